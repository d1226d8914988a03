/**
 * The rate limiter over rate-limiter-flexible: same decisions, same Redis keys as before, and while
 * Redis is unreachable the limits are counted in this replica's memory (rate-limiter-flexible's
 * insuranceLimiter), with one log line per outage.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { AppError } from '../../src/common/errors';
import { createLogger } from '../../src/logger';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from '../../src/rate-limit/rate-limiter';
import { startTcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env.TEST_REDIS_URL;

function capturedLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

const UNREACHABLE = 'rate limit store (Redis) is unreachable';
const BACK = 'rate limit store (Redis) is reachable again';

/** Until `condition` holds (the shared poll of test/support/wait-for.ts). */
const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<true> =>
  waitFor(async () => ((await condition()) ? true : undefined), timeoutMs, 20);

const perViewer = { name: 'create:viewer', limit: 2, windowMs: 60_000 };
const perAddress = { name: 'create:address', limit: 3, windowMs: 60_000 };
const refusal = (promise: Promise<void>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('RateLimiter', () => {
  it('refuses the hit past a limit with RATE_LIMITED and the seconds left in the window, counting no later rule', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore(), capturedLog().log);
    const hits = [
      { rule: perViewer, subject: 'v' },
      { rule: perAddress, subject: 'a' },
    ];
    await limiter.consume(hits, 'too many');
    await limiter.consume(hits, 'too many');
    const error = await refusal(limiter.consume(hits, 'too many'));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: 'too many', extensions: { retryable: true } });
    expect((error as AppError).extensions.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect((error as AppError).extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The refused third hit did not reach the address rule: it has 2 of 3, so another viewer gets one more.
    await limiter.consume(
      [
        { rule: perViewer, subject: 'w' },
        { rule: perAddress, subject: 'a' },
      ],
      'too many',
    );
    expect(
      await refusal(
        limiter.consume(
          [
            { rule: perViewer, subject: 'x' },
            { rule: perAddress, subject: 'a' },
          ],
          'too many',
        ),
      ),
    ).toBeInstanceOf(AppError);
    await limiter.close();
  });

  it('keeps the limits in memory when Redis is unreachable from the start, and logs it once', async () => {
    const { log, lines } = capturedLog();
    const limiter = new RateLimiter(new RedisRateLimitStore('redis://127.0.0.1:1', { log }), log);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await refusal(limiter.consume([{ rule: perViewer, subject: 'v' }], 'too many')));
    // A limit of 2: two pass, two are refused, although no count ever reached Redis.
    expect(outcomes.map((outcome) => (outcome instanceof AppError ? outcome.code : outcome))).toEqual([
      null,
      null,
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    await until(() => lines.some((line) => line.includes(UNREACHABLE)));
    expect(lines.filter((line) => /"level":50/.test(line))).toHaveLength(1);
    await limiter.close();
  });
});

(REDIS_URL ? describe : describe.skip)(`the Redis store${REDIS_URL ? '' : ' (skipped: TEST_REDIS_URL is not set)'}`, () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL!);
  });
  afterAll(() => redis.quit());

  it('keeps the keys of the hand-written store (bff:rl:<rule>:<subject>), so a deploy does not reset running windows', async () => {
    const subject = `deploy-${randomUUID()}`;
    // What the previous store left: INCR, then PEXPIRE on the first hit.
    await redis.set(`bff:rl:create:viewer:${subject}`, '1', 'PX', 60_000);
    const { log } = capturedLog();
    const store = new RedisRateLimitStore(REDIS_URL!, { log });
    const limiter = new RateLimiter(store, log);
    await limiter.consume([{ rule: perViewer, subject }], 'too many');
    expect(await refusal(limiter.consume([{ rule: perViewer, subject }], 'too many'))).toBeInstanceOf(AppError);
    expect(await redis.get(`bff:rl:create:viewer:${subject}`)).toBe('3');
    expect(await redis.pttl(`bff:rl:create:viewer:${subject}`)).toBeGreaterThan(55_000);
    await limiter.close();
  });

  it('rounds windows up to whole seconds (Redis expiries are in seconds here)', async () => {
    const store = new RedisRateLimitStore(REDIS_URL!, { log: capturedLog().log });
    const hit = await store.hit(`rounding:${randomUUID()}`, 100);
    expect(hit.count).toBe(1);
    expect(hit.resetMs).toBeGreaterThan(100);
    expect(hit.resetMs).toBeLessThanOrEqual(1000);
    await store.close();
  });
});

/**
 * A TCP proxy that keeps its connections open but can stop forwarding (a black hole: Redis
 * neither answers nor closes), unlike test/support/tcp-proxy.ts, which cuts them.
 */
async function startStallingProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    stall: () => void (stalled = true),
    resume: () => void (stalled = false),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

(REDIS_URL ? describe : describe.skip)(`a Redis outage${REDIS_URL ? '' : ' (skipped: TEST_REDIS_URL is not set)'}`, () => {
  const redisPort = () => Number(new URL(REDIS_URL!).port || 6379);
  const limitOf5 = { name: 'create:viewer', limit: 5, windowMs: 60_000 };
  const outcomesOf = async (limiter: RateLimiter, subject: string, count: number) => {
    const outcomes: string[] = [];
    for (let i = 0; i < count; i++) {
      const error = await refusal(limiter.consume([{ rule: limitOf5, subject }], 'too many'));
      outcomes.push(error instanceof AppError ? error.code : error === null ? 'ok' : error instanceof Error ? error.message : 'unexpected');
    }
    return outcomes;
  };

  it('counts in memory while the connection is cut (5 of 8 pass a limit of 5), logs one error and one warning, and says so through available() and the hook', async () => {
    const proxy = await startTcpProxy('127.0.0.1', redisPort());
    const { log, lines } = capturedLog();
    let fallbackHits = 0;
    const store = new RedisRateLimitStore(`redis://127.0.0.1:${proxy.port}`, {
      log,
      keyPrefix: `bff-test:rl:${randomUUID()}`,
      onFallbackHit: () => fallbackHits++,
    });
    const limiter = new RateLimiter(store, log);
    try {
      // Connected: counted in Redis.
      expect(await outcomesOf(limiter, `warm-${randomUUID()}`, 1)).toEqual(['ok']);
      expect(store.available()).toBe(true);
      expect(fallbackHits).toBe(0);

      await proxy.refuse();
      const subject = `outage-${randomUUID()}`;
      expect(await outcomesOf(limiter, subject, 8)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(store.available()).toBe(false);
      expect(fallbackHits).toBe(8);
      expect(lines.filter((line) => line.includes(UNREACHABLE))).toHaveLength(1);
      expect(lines.filter((line) => /"level":50/.test(line))).toHaveLength(1);

      await proxy.accept();
      await until(() => store.available());
      const back = `back-${randomUUID()}`;
      expect(await outcomesOf(limiter, back, 1)).toEqual(['ok']);
      expect(fallbackHits).toBe(8);
      expect(lines.filter((line) => line.includes(BACK))).toHaveLength(1);
      expect(lines.filter((line) => /"level":50/.test(line))).toHaveLength(1);
    } finally {
      await limiter.close();
      await proxy.close();
    }
  });

  it('gives a Redis that stops answering one command timeout, then counts in memory at once and keeps the limit', async () => {
    const proxy = await startStallingProxy(redisPort());
    const { log, lines } = capturedLog();
    const store = new RedisRateLimitStore(proxy.url, { log, keyPrefix: `bff-test:rl:${randomUUID()}`, commandTimeoutMs: 100 });
    const limiter = new RateLimiter(store, log);
    try {
      expect(await outcomesOf(limiter, `warm-${randomUUID()}`, 1)).toEqual(['ok']);
      proxy.stall();
      const subject = `stalled-${randomUUID()}`;
      // The first hit gives up after the command timeout (today it waited indefinitely; how long it takes is the bench's to measure).
      expect(await outcomesOf(limiter, subject, 1)).toEqual(['ok']);
      // The next ones do not wait for the stalled connection again: the limit of 5 holds in memory.
      expect(await outcomesOf(limiter, subject, 7)).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(store.available()).toBe(false);
      expect(lines.filter((line) => line.includes(UNREACHABLE))).toHaveLength(1);

      proxy.resume();
      await until(() => store.available());
      expect(lines.filter((line) => line.includes(BACK))).toHaveLength(1);
    } finally {
      await limiter.close();
      await proxy.close();
    }
  }, 15_000);
});
