/** Live status over graphql-ws: the owner sees every change, a stranger sees nothing, and replicas share changes. */
import { startSimulator, type RunningSimulator } from '../../src/sandbox/simulator';
import { POSTGRES_SKIP_REASON, createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/database';
import { type ServerProcess, postGraphQL, spawnServer } from '../support/server-process';
import {
  CONFIRM,
  CREATE,
  TEST_CASHII_KEY,
  cashiiEnv,
  type TestStack,
  actOnPaymentPage,
  mintToken,
  returnInput,
  startStack,
  validInput,
} from '../support/stack';
import { watchPayment } from '../support/subscribe';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

describeEachDatabase('paymentStatusChanged', (target) => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false', STATUS_TTL_MS: '600000' });
  });
  afterEach(() => stack.close());

  const bearer = async (user: string) => ({ authorization: `Bearer ${await mintToken(user)}` });

  it('pushes the confirmed change to the owner and nothing to a stranger', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() }, { user: 'owner' })).body.data!.createRemotePayment;
    const own = (await stack.gql(CREATE, { input: validInput() }, { user: 'stranger' })).body.data!.createRemotePayment;
    const owner = await watchPayment(`${stack.app.url}/graphql`, payment.id, await bearer('owner'));
    const stranger = await watchPayment(`${stack.app.url}/graphql`, payment.id, await bearer('stranger'), { visible: false });
    try {
      expect(owner.received).toEqual([expect.objectContaining({ id: payment.id, status: 'PENDING' })]);
      const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
      const input = returnInput(back);
      await stack.gql(CONFIRM, { input }, { user: 'owner' });
      const seen = await owner.until((p) => p.status === 'PAID');
      expect(seen).toMatchObject({ id: payment.id, status: 'PAID' });
      // The change was pushed to every watcher of the payment at once. The stranger's own payment,
      // watched on the same connection after it, is the sentinel: once it arrived, a leak would have too.
      expect(await stranger.sentinel(own.id)).toMatchObject({ id: own.id, status: 'PENDING' });
      expect(stranger.received).toEqual([]);
      expect(stranger.errors).toEqual([]);
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  it('keeps a watched pending payment fresh by itself and pushes a change made at Cashii', async () => {
    await stack.close();
    stack = await startStack(target, { RECONCILER_ENABLED: 'false', STATUS_TTL_MS: '1000' });
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    const watch = await watchPayment(`${stack.app.url}/graphql`, payment.id, await bearer('user-a'));
    try {
      await actOnPaymentPage(payment.paymentUrl, 'reject');
      expect(await watch.until((p) => p.status === 'REJECTED', 4000)).toMatchObject({ id: payment.id });
    } finally {
      await watch.close();
    }
  });

  it('bounds subscriptions per connection and keeps error codes over the socket', async () => {
    await stack.close();
    stack = await startStack(target, { RECONCILER_ENABLED: 'false', GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    const client = createClient({
      url: `${stack.app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: await bearer('user-a'),
      retryAttempts: 0,
    });
    // A running watch first yields the payment as it is now; a refused one ends with its errors.
    const outcome = (query: string) =>
      new Promise<unknown>((resolve) => {
        client.subscribe(
          { query, variables: { id: payment.id } },
          { next: () => resolve('running'), error: resolve, complete: () => resolve('complete') },
        );
      });
    try {
      // A refused operation does not hold a slot.
      expect(await outcome('subscription($id: ID!) { paymentStatusChanged(id: $id) { nope } }')).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ]);
      const watch = 'subscription($id: ID!) { paymentStatusChanged(id: $id) { id } }';
      expect(await outcome(watch)).toBe('running');
      expect(await outcome(watch)).toBe('running');
      expect(await outcome(watch)).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED' } })]);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a connection without valid credentials', async () => {
    await expect(watchPayment(`${stack.app.url}/graphql`, '1234567890123456', { authorization: 'Bearer nope.nope.nope' })).rejects.toThrow(
      /closed: 4403/,
    );
  });
});

(POSTGRES_SKIP_REASON ? describe.skip : describe)(
  `paymentStatusChanged across two replicas${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let simulator: RunningSimulator;
    let database: TestDatabase;
    const servers: ServerProcess[] = [];
    beforeAll(async () => {
      simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
      database = await createTestDatabase('postgres');
    });
    afterAll(async () => {
      for (const server of servers) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await simulator.close();
      await database.drop();
    });

    it('delivers a change made by replica A to a subscriber of replica B', async () => {
      const env = {
        NODE_ENV: 'test',
        PORT: '0',
        DATABASE_URL: database.url,
        ...cashiiEnv(simulator),
        AUTH_MODE: 'dev',
        RECONCILER_ENABLED: 'false',
        // B's own watcher would only re-read Cashii after 10 minutes: what B sees comes from A.
        STATUS_TTL_MS: '600000',
      };
      servers.push(spawnServer(env), spawnServer(env));
      const [urlA, urlB] = await Promise.all(servers.map((server) => server.ready()));
      const payment = (await postGraphQL(urlA, CREATE, { input: validInput() })).body.data.createRemotePayment;
      const watch = await watchPayment(urlB, payment.id);
      try {
        const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
        const confirmed = await postGraphQL(urlA, CONFIRM, { input: returnInput(back) });
        expect(confirmed.body.data.confirmPaymentReturn.status).toBe('PAID');
        expect(await watch.until((p) => p.status === 'PAID')).toMatchObject({ id: payment.id });
        expect(simulator.state.stats.get).toBe(1);
      } finally {
        await watch.close();
      }
    });
  },
);
