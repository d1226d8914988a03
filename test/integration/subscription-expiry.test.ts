/** A graphql-ws connection lives exactly as long as its token: not shorter, even for a far expiry. */
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describeEachDatabase } from '../support/database';
import { CREATE, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type TestStack, startStack, validInput } from '../support/stack';

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

/** Opens an acknowledged connection and records how (and when) it closes. */
async function connect(stack: TestStack, token: string) {
  const closes: Array<{ code: number; reason: string; at: number }> = [];
  const client = createClient({
    url: `${stack.app.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  client.on('closed', (event) => {
    const { code, reason } = event as { code: number; reason: string };
    closes.push({ code, reason, at: Date.now() });
  });
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`closed before the ack: ${(event as { code?: number }).code}`)));
  });
  return { client, closes };
}

describeEachDatabase('subscription connection expiry', (target) => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' });
  });
  afterEach(() => stack.close());

  it('keeps open a connection whose token expires in 60 days, and serves subscriptions on it', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    const { client, closes } = await connect(stack, await tokenExpiringAt(Math.floor(Date.now() / 1000) + 60 * 86_400));
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription($id: ID!) { paymentStatusChanged(id: $id) { id } }', variables: { id: payment.id } },
          { next: () => undefined, error: resolve, complete: () => resolve('complete') },
        );
        setTimeout(() => resolve('running'), 500);
      });
      expect(closes.map((close) => `${close.code} ${close.reason}`)).toEqual([]);
      expect(outcome).toBe('running');
    } finally {
      await client.dispose();
    }
  });

  it('closes a connection with 4403 when its token expires, not before', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const { client, closes } = await connect(stack, await tokenExpiringAt(exp));
    try {
      const deadline = Date.now() + 5000;
      while (closes.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(closes).toEqual([{ code: 4403, reason: 'Token expired', at: expect.any(Number) }]);
      expect(closes[0].at).toBeGreaterThanOrEqual(exp * 1000);
    } finally {
      await client.dispose();
    }
  });
});
