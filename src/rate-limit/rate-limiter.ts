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

/** At most this many windows are kept; past it the oldest is dropped (its key simply starts a new window). */
const MEMORY_STORE_CAP = 100_000;

export class MemoryRateLimitStore implements RateLimitStore {
  /** Insertion order is expiry order (one window length per rule): expired windows sit at the front. */
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    this.dropExpired(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= MEMORY_STORE_CAP) this.windows.delete(this.windows.keys().next().value as string);
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

  /** Amortised O(1): stops at the first window still running. */
  private dropExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt > now) return;
      this.windows.delete(key);
    }
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

  /**
   * Counts one hit against each (rule, subject) in order and throws RATE_LIMITED at the first one
   * over its limit; later rules are not counted for a refused request.
   */
  async consume(hits: ReadonlyArray<{ rule: RateLimitRule; subject: string }>, message: string): Promise<void> {
    for (const { rule, subject } of hits) {
      let result: WindowCount;
      try {
        result = await this.store.hit(`${rule.name}:${subject}`, rule.windowMs);
      } catch (error) {
        this.log.error(
          { err: error instanceof Error ? error.message : String(error) },
          'rate limit store failed; letting the request through',
        );
        return;
      }
      if (result.count > rule.limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil(result.resetMs / 1000));
        throw new AppError('RATE_LIMITED', message, { retryAfterSeconds, retryable: true });
      }
    }
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
    return this.limiter.consume(
      [
        { rule: this.perViewer, subject: viewerId },
        { rule: this.perAddress, subject: clientAddress },
      ],
      'Too many payments created; try again later',
    );
  }
}

/** The limit on confirmPaymentReturn per viewer: each call reads Cashii with the shared key. */
export class ConfirmReturnLimits {
  private readonly perViewer: RateLimitRule;

  constructor(
    private readonly limiter: RateLimiter,
    config: { windowMs: number; confirmPerViewer: number },
  ) {
    this.perViewer = { name: 'confirm:viewer', limit: config.confirmPerViewer, windowMs: config.windowMs };
  }

  consume(viewerId: string): Promise<void> {
    return this.limiter.consume([{ rule: this.perViewer, subject: viewerId }], 'Too many return confirmations; try again later');
  }
}
