/**
 * Fixed-window counters that cap createRemotePayment per viewer and per client address. The
 * store is in-process by default, or Redis (REDIS_URL) so that replicas share the limits. If
 * Redis fails, requests are let through and the failure is logged: a rate limiter must not take
 * payments down.
 */
import Redis from 'ioredis';
import { AppError } from '../common/errors';
import type { Logger } from '../logger';

export interface WindowCount {
  count: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({ count: window.count, resetMs: window.resetAt - now });
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** INCR and PEXPIRE in one atomic script, so a window always expires. */
const HIT_SCRIPT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000 });
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `bff:rl:${key}`, windowMs)) as [number, number];
    return { count, resetMs: ttl > 0 ? ttl : windowMs };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export interface RateLimitRule {
  /** e.g. `create:viewer` */
  name: string;
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    private readonly log: Logger,
  ) {}

  /** Counts one hit against each (rule, subject); throws RATE_LIMITED when any is over its limit. */
  async consume(hits: ReadonlyArray<{ rule: RateLimitRule; subject: string }>): Promise<void> {
    let results: WindowCount[];
    try {
      results = await Promise.all(hits.map(({ rule, subject }) => this.store.hit(`${rule.name}:${subject}`, rule.windowMs)));
    } catch (error) {
      this.log.error(
        { err: error instanceof Error ? error.message : String(error) },
        'rate limit store failed; letting the request through',
      );
      return;
    }
    const over = results.map((result, i) => ({ result, rule: hits[i].rule })).filter(({ result, rule }) => result.count > rule.limit);
    if (over.length === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(...over.map(({ result }) => result.resetMs)) / 1000));
    throw new AppError('RATE_LIMITED', 'Too many payments created; try again later', { retryAfterSeconds, retryable: true });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** The limits on creating payments, per viewer and per client address. */
export class CreatePaymentLimits {
  private readonly perViewer: RateLimitRule;
  private readonly perAddress: RateLimitRule;

  constructor(
    private readonly limiter: RateLimiter,
    config: { windowMs: number; createPerViewer: number; createPerAddress: number },
  ) {
    this.perViewer = { name: 'create:viewer', limit: config.createPerViewer, windowMs: config.windowMs };
    this.perAddress = { name: 'create:address', limit: config.createPerAddress, windowMs: config.windowMs };
  }

  consume(viewerId: string, clientAddress: string): Promise<void> {
    return this.limiter.consume([
      { rule: this.perViewer, subject: viewerId },
      { rule: this.perAddress, subject: clientAddress },
    ]);
  }
}
