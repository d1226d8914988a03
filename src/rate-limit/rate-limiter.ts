/**
 * Fixed-window counters that cap createRemotePayment per viewer and per client address, kept by
 * rate-limiter-flexible: in-process by default, or in Redis (REDIS_URL) so that replicas share the
 * limits. If Redis fails, requests are let through and the failure is logged: a rate limiter must
 * not take payments down.
 */
import Redis from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError } from '../common/errors';
import type { Logger } from '../logger';

export interface WindowCount {
  count: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** Counts hits per key in fixed windows; RateLimiter decides what is over a limit. */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

/**
 * The stores only count (the limit is RateLimiter's): a count never makes rate-limiter-flexible
 * reject, so the only rejection left is a store failure.
 */
const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

/** One rate-limiter-flexible limiter per window length (in practice one: RATE_LIMIT_WINDOW_MS). */
abstract class FlexibleStore implements RateLimitStore {
  private readonly limiters = new Map<number, RateLimiterAbstract>();

  hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.limiter(windowMs)
      .consume(key)
      .then((res) => {
        this.counted(key, windowMs, res.isFirstInDuration);
        return { count: res.consumedPoints, resetMs: res.msBeforeNext > 0 ? res.msBeforeNext : windowMs };
      });
  }

  abstract close(): Promise<void>;

  protected abstract create(windowMs: number): RateLimiterAbstract;

  protected counted(_key: string, _windowMs: number, _newWindow: boolean): void {}

  protected limiter(windowMs: number): RateLimiterAbstract {
    let limiter = this.limiters.get(windowMs);
    if (!limiter) {
      limiter = this.create(windowMs);
      this.limiters.set(windowMs, limiter);
    }
    return limiter;
  }
}

/** At most this many windows are kept; past it the oldest is dropped (its key simply starts a new window). */
const MEMORY_STORE_CAP = 100_000;

export class MemoryRateLimitStore extends FlexibleStore {
  /**
   * Which windows rate-limiter-flexible holds (it drops each when its window ends, but has no cap):
   * insertion order is expiry order (one window length per rule), so expired ones sit at the front.
   */
  private readonly windows = new Map<string, { resetAt: number; windowMs: number }>();

  close(): Promise<void> {
    for (const [key, window] of this.windows) void this.limiter(window.windowMs).delete(key);
    this.windows.clear();
    return Promise.resolve();
  }

  protected create(windowMs: number): RateLimiterAbstract {
    return new RateLimiterMemory({ points: COUNT_ONLY, duration: windowMs / 1000 });
  }

  protected override counted(key: string, windowMs: number, newWindow: boolean): void {
    if (!newWindow) return;
    const now = Date.now();
    this.dropExpired(now);
    this.windows.delete(key);
    if (this.windows.size >= MEMORY_STORE_CAP) {
      const [oldest, window] = this.windows.entries().next().value as [string, { windowMs: number }];
      this.windows.delete(oldest);
      void this.limiter(window.windowMs).delete(oldest);
    }
    this.windows.set(key, { resetAt: now + windowMs, windowMs });
  }

  /** Amortised O(1): stops at the first window still running. */
  private dropExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt > now) return;
      this.windows.delete(key);
    }
  }
}

export class RedisRateLimitStore extends FlexibleStore {
  private readonly redis: Redis;

  constructor(url: string) {
    super();
    this.redis = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2000,
      // How long close() lets a dead connection's timer run (ioredis waits for a 'close' that already happened).
      disconnectTimeout: 200,
    });
    // Each failed hit is logged by RateLimiter; without a listener ioredis prints every reconnect failure to stderr.
    this.redis.on('error', () => {});
  }

  async close(): Promise<void> {
    // QUIT would wait in the offline queue while Redis is down, and the client would keep reconnecting.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Keys stay `bff:rl:<rule>:<subject>`, as before rate-limiter-flexible. Redis windows are whole seconds (at least one). */
  protected create(windowMs: number): RateLimiterAbstract {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    return new RateLimiterRedis({ storeClient: this.redis, keyPrefix: 'bff:rl', points: COUNT_ONLY, duration });
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
