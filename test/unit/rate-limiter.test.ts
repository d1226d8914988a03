/** The rate limiter over rate-limiter-flexible: same decisions, same Redis keys as before, and a failing store lets requests through. */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { AppError } from '../../src/common/errors';
import { createLogger } from '../../src/logger';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from '../../src/rate-limit/rate-limiter';

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

  it('lets requests through and logs when the store fails (Redis unreachable)', async () => {
    const { log, lines } = capturedLog();
    const limiter = new RateLimiter(new RedisRateLimitStore('redis://127.0.0.1:1'), log);
    for (let i = 0; i < 3; i++) await limiter.consume([{ rule: perViewer, subject: 'v' }], 'too many');
    expect(lines.filter((line) => line.includes('rate limit store failed; letting the request through'))).toHaveLength(3);
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
    const store = new RedisRateLimitStore(REDIS_URL!);
    const limiter = new RateLimiter(store, capturedLog().log);
    await limiter.consume([{ rule: perViewer, subject }], 'too many');
    expect(await refusal(limiter.consume([{ rule: perViewer, subject }], 'too many'))).toBeInstanceOf(AppError);
    expect(await redis.get(`bff:rl:create:viewer:${subject}`)).toBe('3');
    expect(await redis.pttl(`bff:rl:create:viewer:${subject}`)).toBeGreaterThan(55_000);
    await limiter.close();
  });

  it('rounds windows up to whole seconds (Redis expiries are in seconds here)', async () => {
    const store = new RedisRateLimitStore(REDIS_URL!);
    const hit = await store.hit(`rounding:${randomUUID()}`, 100);
    expect(hit.count).toBe(1);
    expect(hit.resetMs).toBeGreaterThan(100);
    expect(hit.resetMs).toBeLessThanOrEqual(1000);
    await store.close();
  });
});
