/**
 * A graphql-ws connection lives exactly as long as its token: not shorter, even for a far expiry.
 * The app's clock is a manual one, moved to the moment; the machine clock's timer over more than
 * one Node timer's reach is checked in test/unit/run-at.test.ts.
 */
import { SignJWT } from 'jose';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ManualClock } from '../fixtures/manual-clock';
import { describeEachDatabase } from '../support/database';
import { CREATE, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type TestStack, startStack, validInput } from '../support/stack';

const DAY_S = 86_400;
const WATCH = 'subscription($id: ID!) { paymentStatusChanged(id: $id) { id status } }';

/** A token for `user-a` that expires at `exp` (epoch seconds). */
function tokenExpiringAt(exp: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-a')
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/** Opens an acknowledged connection and records how it closes. */
async function connect(stack: TestStack, token: string) {
  const closes: Array<{ code: number; reason: string }> = [];
  const client = createClient({
    url: `${stack.app.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      closes.push({ code, reason });
      resolve({ code, reason });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`closed before the ack: ${(event as { code?: number }).code}`)));
  });
  return { client, closes, closed };
}

/** Watches `id` on `client` and resolves with its first value (the payment as it is now), then ends the watch. */
function firstValue(client: Client, id: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const dispose = client.subscribe(
      { query: WATCH, variables: { id } },
      {
        next: (result) => {
          dispose();
          resolve(result.data?.paymentStatusChanged);
        },
        error: reject,
        complete: () => reject(new Error('completed before its first value')),
      },
    );
  });
}

describeEachDatabase('subscription connection expiry', (target) => {
  let stack: TestStack;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' }, { clock });
  });
  afterEach(() => stack.close());

  it('keeps open a connection whose token expires in 60 days, serving subscriptions, and closes it with 4403 at that moment', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    const exp = Math.floor(clock.now() / 1000) + 60 * DAY_S;
    const { client, closes, closed } = await connect(stack, await tokenExpiringAt(exp));
    try {
      expect(await firstValue(client, payment.id)).toEqual({ id: payment.id, status: 'PENDING' });
      // A millisecond before it expires: still served. The answer comes after any close the server
      // sent this connection before it, so no close has arrived means none was sent.
      await clock.advance(exp * 1000 - 1 - clock.now());
      expect(await firstValue(client, payment.id)).toEqual({ id: payment.id, status: 'PENDING' });
      expect(closes).toEqual([]);
      await clock.advance(1);
      const notClosed = new Promise((resolve) => setTimeout(() => resolve('not closed 5 s later'), 5000).unref());
      expect(await Promise.race([closed, notClosed])).toEqual({ code: 4403, reason: 'Token expired' });
    } finally {
      await client.dispose();
    }
  });
});
