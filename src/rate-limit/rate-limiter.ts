/**
 * Fixed-window counters that cap createRemotePayment per viewer and per client address, kept by
 * rate-limiter-flexible: in-process by default, or in Redis (REDIS_URL) so that replicas share the
 * limits. While Redis is unreachable, rate-limiter-flexible's insuranceLimiter counts in this
 * replica's memory (the limits then hold per replica), after at most one short command timeout:
 * a rate limiter must neither take payments down nor slow them.
 */
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
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
  /** False while the shared store (Redis) is unreachable and the limits are counted per replica. */
  available(): boolean;
  close(): Promise<void>;
  /** What this replica's memory holds for the limits (a Redis store's: its fallback's windows). */
  held(): { entries: number; bytes: number };
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
        this.served(res);
        return { count: res.consumedPoints, resetMs: res.msBeforeNext > 0 ? res.msBeforeNext : windowMs };
      });
  }

  abstract available(): boolean;

  abstract close(): Promise<void>;

  abstract held(): { entries: number; bytes: number };

  protected abstract create(windowMs: number): RateLimiterAbstract;

  protected served(_res: RateLimiterRes): void {}

  protected limiter(windowMs: number): RateLimiterAbstract {
    let limiter = this.limiters.get(windowMs);
    if (!limiter) {
      limiter = this.create(windowMs);
      this.limiters.set(windowMs, limiter);
    }
    return limiter;
  }
}

/** A memory limiter that reports each count (so that its store can cap how many windows it holds). */
class ReportingMemoryLimiter extends RateLimiterMemory {
  constructor(
    windowMs: number,
    private readonly onCount: (key: string, res: RateLimiterRes) => void,
  ) {
    super({ points: COUNT_ONLY, duration: windowMs / 1000 });
  }

  override consume(key: string | number, pointsToConsume?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    return super.consume(key, pointsToConsume, options).then((res) => {
      this.onCount(String(key), res);
      return res;
    });
  }
}

/**
 * What one window holds in memory, besides its key: its record and timer in rate-limiter-flexible
 * and its entry in the store's LRU (measured with Node 20 and rate-limiter-flexible 11: about 700
 * bytes for a 45-character key). Its key is counted at 2 bytes per character, twice (the limiter
 * prefixes its own copy).
 */
const WINDOW_OVERHEAD_BYTES = 640;

/** The bytes the in-memory windows may hold together (about 50,000 windows of short keys); past it the oldest window is dropped. */
export const MEMORY_STORE_BYTES = 32 * 1024 * 1024;

export class MemoryRateLimitStore extends FlexibleStore {
  /**
   * Which windows rate-limiter-flexible holds (it drops each when its window ends, but has no cap),
   * bounded in bytes. A window is set when it starts, so the least recently set is the oldest, and
   * (one window length per rule) the first to end: an ended one is dropped before any that still
   * counts. A dropped window is deleted from its limiter too (its key simply starts a new window).
   */
  private readonly windows = new LRUCache<string, number>({
    maxSize: MEMORY_STORE_BYTES,
    sizeCalculation: (_windowMs, key) => WINDOW_OVERHEAD_BYTES + 4 * key.length,
    dispose: (windowMs, key, reason) => {
      if (reason !== 'set') void this.limiter(windowMs).delete(key);
    },
  });

  /** `onCount` hears every count (the Redis store's fallback uses it to know a hit was counted here). */
  constructor(private readonly onCount?: (res: RateLimiterRes) => void) {
    super();
  }

  available(): boolean {
    return true;
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  /** What the windows hold now: their number and counted bytes (ended windows included until they are dropped). */
  held(): { entries: number; bytes: number } {
    return { entries: this.windows.size, bytes: this.windows.calculatedSize };
  }

  /** The limiter for one window length, e.g. as another limiter's insuranceLimiter. */
  limiterFor(windowMs: number): RateLimiterAbstract {
    return this.limiter(windowMs);
  }

  protected create(windowMs: number): RateLimiterAbstract {
    return new ReportingMemoryLimiter(windowMs, (key, res) => {
      if (res.isFirstInDuration) this.windows.set(key, windowMs);
      this.onCount?.(res);
    });
  }
}

/** How long a Redis command may go unanswered before the hit is counted in memory instead. */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

export const REDIS_UNREACHABLE_MESSAGE =
  "rate limit store (Redis) is unreachable; counting the limits in this replica's memory until it is back";
export const REDIS_BACK_MESSAGE = 'rate limit store (Redis) is reachable again; the limits are shared between replicas again';

export interface RedisRateLimitStoreOptions {
  log: Logger;
  /** Key prefix in Redis (default `bff:rl`). */
  keyPrefix?: string;
  /** ioredis commandTimeout (default REDIS_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  /** Each hit counted in this replica's memory because Redis did not take it (a metric). */
  onFallbackHit?: () => void;
}

/**
 * Counts in Redis, with rate-limiter-flexible's insuranceLimiter (this replica's memory) for when
 * Redis cannot answer. A dead Redis fails fast: no offline queue, no retry of a command whose
 * connection dropped, `rejectIfRedisNotReady` while ioredis reconnects, and a command timeout for
 * a connection that stays open but goes silent (that connection is then dropped, so the next hits
 * do not wait for it). One error line when the outage starts, one warning when Redis takes a
 * write again.
 */
export class RedisRateLimitStore extends FlexibleStore {
  private readonly redis: Redis;
  private readonly fallback: MemoryRateLimitStore;
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  /** The results the fallback counted (rate-limiter-flexible hands them through unchanged). */
  private readonly countedInMemory = new WeakSet<RateLimiterRes>();
  private down: { since: number; hits: number } | null = null;
  private everReady = false;
  /** Until the first connection is ready or fails (at most one command timeout): hits wait for it. */
  private starting: Promise<void> | null;
  private lastError: string | null = null;
  private closed = false;

  constructor(
    url: string,
    private readonly options: RedisRateLimitStoreOptions,
  ) {
    super();
    this.keyPrefix = options.keyPrefix ?? 'bff:rl';
    this.commandTimeoutMs = options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS;
    this.fallback = new MemoryRateLimitStore((res) => this.fellBack(res));
    // ioredis (55 modules) is loaded only by a BFF that has REDIS_URL.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
    this.redis = new RedisClient(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.commandTimeoutMs,
      connectTimeout: 2000,
      // How long a dropped connection may wait for its close (then it is destroyed), in close() and
      // after a command timeout.
      disconnectTimeout: 200,
    });
    this.redis.on('error', (error: Error) => {
      this.lastError = error.message;
      this.markDown();
    });
    this.redis.on('ready', () => {
      this.everReady = true;
      this.probe();
    });
    this.starting = new Promise<void>((resolve) => {
      const started = () => {
        clearTimeout(timer);
        this.redis.off('ready', started).off('error', started).off('end', started);
        this.starting = null;
        resolve();
      };
      const timer = setTimeout(started, this.commandTimeoutMs);
      this.redis.on('ready', started).on('error', started).on('end', started);
    });
  }

  override async hit(key: string, windowMs: number): Promise<WindowCount> {
    if (this.starting) await this.starting;
    return super.hit(key, windowMs);
  }

  available(): boolean {
    return this.down === null;
  }

  /** What the fallback's windows hold (the counts Redis keeps are not this replica's memory). */
  held(): { entries: number; bytes: number } {
    return this.fallback.held();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.fallback.close();
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Keys stay `bff:rl:<rule>:<subject>`, as before rate-limiter-flexible. Redis windows are whole seconds (at least one). */
  protected create(windowMs: number): RateLimiterAbstract {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: this.keyPrefix,
      points: COUNT_ONLY,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: this.fallback.limiterFor(windowMs),
    });
  }

  protected override served(res: RateLimiterRes): void {
    if (!this.countedInMemory.has(res)) this.markUp();
  }

  /** The insuranceLimiter counted a hit: Redis refused, timed out, or was not connected. */
  private fellBack(res: RateLimiterRes): void {
    this.countedInMemory.add(res);
    this.options.onFallbackHit?.();
    if (this.redis.status === 'ready') {
      // Connected, yet no answer in time (or an error reply): drop that connection (once), so that
      // the next hits go straight to memory instead of each waiting for the timeout.
      if (this.redis.stream.writable) {
        this.lastError = `no answer from Redis within ${this.commandTimeoutMs} ms, or an error reply`;
        this.redis.disconnect(true);
      }
    } else if (!this.everReady && this.lastError === null) {
      // Still connecting at start-up: counted in memory, not an outage.
      return;
    }
    this.markDown();
    if (this.down) this.down.hits++;
  }

  private markDown(): void {
    if (this.closed || this.down) return;
    this.down = { since: Date.now(), hits: 0 };
    this.options.log.error({ err: this.lastError ?? `connection ${this.redis.status}` }, REDIS_UNREACHABLE_MESSAGE);
  }

  private markUp(): void {
    if (this.closed || !this.down) return;
    this.options.log.warn({ outageMs: Date.now() - this.down.since, countedInMemory: this.down.hits }, REDIS_BACK_MESSAGE);
    this.down = null;
    this.lastError = null;
  }

  /** After a reconnect during an outage: the outage ends once Redis takes a write (not just a connection). */
  private probe(): void {
    if (!this.down) return;
    this.redis.set(`${this.keyPrefix}:store-probe`, '1', 'PX', 10_000).then(
      () => this.markUp(),
      () => {},
    );
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
        // Not expected: the Redis store falls back to memory, and memory does not fail.
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

  /** What this replica's memory holds for the limits, for the metrics. */
  held(): { entries: number; bytes: number } {
    return this.store.held();
  }

  /** False while the shared store is unreachable (the limits are then per replica). */
  available(): boolean {
    return this.store.available();
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
