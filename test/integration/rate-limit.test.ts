/**
 * createRemotePayment is limited per viewer and per client address, in-process or shared through
 * Redis; while Redis is unreachable each replica keeps the limits in its memory.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { CREATE, type TestStack, startStack, validInput } from '../support/stack';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env.TEST_REDIS_URL;

describe('rate limits in one process', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('sqlite', {
      RATE_LIMIT_CREATE_PER_VIEWER: '3',
      RATE_LIMIT_CREATE_PER_ADDRESS: '5',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(() => stack.close());

  it('refuses the fourth create of one viewer in a window with RATE_LIMITED and a retry-after hint', async () => {
    for (let i = 0; i < 3; i++) expect((await stack.gql(CREATE, { input: validInput() }, { user: 'busy' })).body.errors).toBeUndefined();
    const before = await stack.simulatorStats();
    const limited = await stack.gql(CREATE, { input: validInput() }, { user: 'busy' });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(limited.body.errors![0].extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await stack.simulatorStats()).create).toBe(before.create);
  });

  it('limits one client address across viewers', async () => {
    // The 3 creates above count against this address's 5; the refused 4th did not reach the address rule.
    expect((await stack.gql(CREATE, { input: validInput() }, { user: 'other-1' })).body.errors).toBeUndefined();
    expect((await stack.gql(CREATE, { input: validInput() }, { user: 'other-2' })).body.errors).toBeUndefined();
    const limited = await stack.gql(CREATE, { input: validInput() }, { user: 'other-3' });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('does not limit reads', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await stack.gql('{ payment(id: "1234567890123456") { id } }', {}, { user: 'busy' })).body.errors).toBeUndefined();
    }
  });
});

(REDIS_URL ? describe : describe.skip)(
  `rate limits shared through Redis${REDIS_URL ? '' : ' (skipped: TEST_REDIS_URL is not set; .ci/run sets it)'}`,
  () => {
    let first: TestStack;
    let second: TestStack;
    beforeAll(async () => {
      const env = { REDIS_URL: REDIS_URL!, RATE_LIMIT_CREATE_PER_VIEWER: '3', RATE_LIMIT_WINDOW_MS: '60000' };
      first = await startStack('sqlite', env);
      second = await startStack('sqlite', env);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('counts creates of one viewer on two replicas against one limit', async () => {
      const user = `replicated-${randomUUID()}`;
      expect((await first.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      expect((await second.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      expect((await first.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
      const limited = await second.gql(CREATE, { input: validInput() }, { user });
      expect(limited.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    });
  },
);

(REDIS_URL ? describe : describe.skip)(`a Redis outage${REDIS_URL ? '' : ' (skipped: TEST_REDIS_URL is not set; .ci/run sets it)'}`, () => {
  let proxy: TcpProxy;
  let stack: TestStack;
  let redis: Redis;
  beforeAll(async () => {
    const target = new URL(REDIS_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    stack = await startStack('sqlite', {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      RATE_LIMIT_CREATE_PER_VIEWER: '5',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    redis = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
    await redis.quit();
  });

  const metrics = async () => (await fetch(`${stack.app.url}/metrics`)).text();
  const storeUp = async () => /^bff_rate_limit_store_up (\d+)$/m.exec(await metrics())?.[1];
  const outageLines = () => stack.logs.filter((line) => line.includes('rate limit store (Redis) is unreachable'));
  const backLines = () => stack.logs.filter((line) => line.includes('rate limit store (Redis) is reachable again'));
  const errorLines = () => stack.logs.filter((line) => /"level":50/.test(line));

  it('keeps the limit per replica (5 of 8 creates pass a limit of 5), answers without waiting for Redis, logs once, and shows it in /metrics', async () => {
    // Connected: counted in Redis under the usual key.
    const before = `before-${randomUUID()}`;
    expect((await stack.gql(CREATE, { input: validInput() }, { user: before })).body.errors).toBeUndefined();
    expect(await redis.get(`bff:rl:create:viewer:${before}`)).toBe('1');
    expect(await storeUp()).toBe('1');
    const errorsBefore = errorLines().length;

    await proxy.refuse();
    const user = `outage-${randomUUID()}`;
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      // How long each takes is measured outside the tests (the latency figures are in the closing note of issue 17).
      const answer = await stack.gql(CREATE, { input: validInput() }, { user });
      codes.push(answer.body.errors ? String(answer.body.errors[0].extensions?.code) : 'ok');
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await fetch(`${stack.app.url}/readyz`)).status).toBe(200);
    expect(outageLines()).toHaveLength(1);
    expect(errorLines().length - errorsBefore).toBe(1);
    expect(await storeUp()).toBe('0');
    // 5 creates counted per viewer and per address, 3 refused at the viewer rule.
    expect(await metrics()).toMatch(/^bff_rate_limit_fallback_hits_total 13$/m);
    expect(await redis.exists(`bff:rl:create:viewer:${user}`)).toBe(0);

    await proxy.accept();
    await waitFor(async () => ((await storeUp()) === '1' ? true : undefined), 8000, 50);
    expect(backLines()).toHaveLength(1);
    const after = `after-${randomUUID()}`;
    expect((await stack.gql(CREATE, { input: validInput() }, { user: after })).body.errors).toBeUndefined();
    expect(await redis.get(`bff:rl:create:viewer:${after}`)).toBe('1');
    expect(outageLines()).toHaveLength(1);
    expect(errorLines().length - errorsBefore).toBe(1);
  }, 30_000);
});
