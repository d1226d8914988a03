/**
 * Whole answers of repeated queries, kept per viewer and role inside Apollo's pipeline, and checked
 * against the database on every use.
 *
 * Frontends poll the same documents (the client's `Payment`, `Order`) with the same variables; once
 * what they show stops changing, so do their answers. While a query executes, the stores record
 * what it reads (src/payments/store/read-notes.ts, through the request's ReadSet): each record or
 * list with its version, and until when it stays as read (a pending payment: until a read would
 * confirm it with Cashii again). An answer is kept only when everything it read was recorded, it
 * has no error and no null root field, and the request wrote nothing. It is served (Apollo's
 * `responseForOperation`, so execution is skipped; parsing, validation and the other plugins run
 * as for any request) only while that time has not come and every recorded version is still the
 * stored one: one SELECT per kind of record, shared by the lookups of one event-loop turn, so a
 * write on any replica retires it. Apollo serialises a kept answer like any other, in the media
 * type the request asked for; CORS and authentication stay the HTTP edge's, per request.
 *
 * Memory is bounded in bytes: any client can fill this cache (distinct variables make distinct
 * keys), so the kept answers together never hold more than `maxBytes`, and an answer larger than
 * `maxEntryBytes` is not kept. An answer is kept as the bytes of its JSON (parsed again when
 * served: an object graph holds several times its JSON, which a soak showed filling the heap), in
 * one block outside V8's heap, allocated once at BLOCK_SHARE of `maxBytes` and written through as
 * a ring: each answer after the last, the oldest overwritten (and dropped) when the writing comes
 * round to them. Kept as strings, the answers made V8's heap grow by about twice what they held;
 * kept each in a buffer of its own, a full cache replaced answers all the time, and the buffers of
 * the dropped ones stayed allocated until V8's next full collection freed them, in glibc's heap,
 * which grew through a soak's last three minutes (+9 MiB, against +3 with the cache off). A block
 * allocates nothing more once written through. What V8 holds for the keys and versions (one byte
 * per character of a string that is all Latin-1, two otherwise, plus a fixed overhead per entry
 * and per version) is counted against the rest of `maxBytes`. The order of the ring is the order
 * of eviction: the oldest answers go first, and an answer served when it is close to being dropped
 * is written again after the last (so what clients keep asking for stays). No answer takes more
 * than an eighth of the block, so writing one again never drops more than that of the others.
 */
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type FormattedExecutionResult, OperationTypeNode } from 'graphql';
import type { Clock } from '../common/clock';
import { ReadSet, currentRequest } from '../observability/request-scope';
import type { GraphQLContext } from './context';

export type LookupResult = 'hit' | 'stale' | 'miss';

export interface AnswerCacheOptions {
  /** The stored version of each recorded key now (absent: gone). Lookups of one turn share one call. */
  versionsOf: (keys: string[]) => Promise<Map<string, string>>;
  /** Bytes all kept answers may hold together. */
  maxBytes: number;
  /** An answer (with its key and versions) larger than this is never kept. */
  maxEntryBytes: number;
  /** An answer older than this is dropped whatever its versions say (memory hygiene). */
  maxAgeMs: number;
  clock: Clock;
  /** Told what each lookup found, for metrics. */
  onLookup?: (result: LookupResult) => void;
}

interface Entry {
  readonly key: string;
  /** Where the answer's JSON sits in the block, Latin-1 or UTF-8 encoded (`latin1`). */
  readonly offset: number;
  readonly length: number;
  readonly latin1: boolean;
  readonly versions: ReadonlyArray<readonly [string, string]>;
  readonly until: number;
  /** What V8 holds for the entry (its key, versions and objects), counted against the rest of the bound. */
  readonly bookkeeping: number;
  /** The block's bytes (gaps at its end included) and the bookkeeping written before this entry: how close it is to being dropped. */
  readonly writtenBefore: number;
  readonly bookkeptBefore: number;
  /** The entries written just before and after this one (a list in the block's order, unlinked when dropped). */
  older: Entry | null;
  newer: Entry | null;
}

/** Variables (as JSON) longer than this make no key: such requests are always executed. */
const MAX_KEY_VARIABLES = 2048;
/** What one kept entry costs in V8's heap besides its strings (the entry, its versions' arrays, the map's slot), a rough upper bound. */
const ENTRY_OVERHEAD_BYTES = 384;
/** What one recorded version costs besides its key and version strings. */
const VERSION_OVERHEAD_BYTES = 64;
/** The share of `maxBytes` the block of answers takes; the keys and versions may take the rest. */
export const BLOCK_SHARE = 0.625;
/**
 * An answer served when it is close to being dropped (three quarters of the block, or of the
 * bookkeeping's share, written since it was) is written again after the last.
 */
const RENEW_AFTER = 0.75;
/** The largest answer kept, as a share of the block: a renewed answer never drops more than this of the others. */
const MAX_ENTRY_SHARE = 0.125;
/** A character V8 cannot keep in a one-byte string. */
const TWO_BYTE = /[^\u0000-\u00ff]/;

/** What V8 holds for a string's characters: one byte each when all are Latin-1, else two. */
function stringBytes(text: string): number {
  return (TWO_BYTE.test(text) ? 2 : 1) * text.length;
}

export class AnswerCache {
  /** The kept answers by key. */
  private readonly entries = new Map<string, Entry>();
  /**
   * The ends of their list in the order they were written into the block. A Map's own order would
   * do, but finding its first entry steps over every one deleted before it until the Map is
   * rehashed: 1.6 us per eviction at 4,000 entries, 5.9 at 16,000, on every answer kept.
   */
  private oldestEntry: Entry | null = null;
  private newestEntry: Entry | null = null;
  /** The answers' bytes (allocated on the first answer kept; allocUnsafeSlow: not a slice of Node's shared pool). */
  private block: Buffer | null = null;
  private readonly capacity: number;
  private readonly bookkeepingBudget: number;
  /** Where the next answer is written. */
  private head = 0;
  /** How much of the block has been written so far (pages never written hold no memory). */
  private touched = 0;
  /** The counted bookkeeping of the kept entries. */
  private bookkeeping = 0;
  /** Bytes written into the block (gaps left at its end included) and bookkeeping counted, since it was made. */
  private written = 0;
  private bookkept = 0;
  /** Keys whose stored version the next batched read fetches, with the lookups waiting for it. */
  private batch: { keys: Set<string>; done: Promise<Map<string, string>> } | null = null;

  /** The longest JSON kept: a share of the block (MAX_ENTRY_SHARE), or less as `maxEntryBytes` says. */
  private readonly maxJsonBytes: number;

  constructor(private readonly options: AnswerCacheOptions) {
    this.capacity = Math.floor(options.maxBytes * BLOCK_SHARE);
    this.bookkeepingBudget = options.maxBytes - this.capacity;
    this.maxJsonBytes = Math.min(options.maxEntryBytes, Math.floor(this.capacity * MAX_ENTRY_SHARE));
  }

  /** What the kept answers hold now: their number, and the bytes of the block written so far with their bookkeeping. */
  held(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.touched + this.bookkeeping };
  }

  /** The key of a query's answer for this viewer and role, or null when it is not one to keep. */
  keyFor(viewer: GraphQLContext['viewer'], queryHash: string, operationName: string | undefined, variables: unknown): string | null {
    let text: string;
    try {
      text = JSON.stringify(variables ?? {});
    } catch {
      return null; // variables nested past the stack: Apollo refuses them with its own coded error
    }
    if (text.length > MAX_KEY_VARIABLES) return null;
    // The role is part of the key: an answer never outlives a change of what its viewer may see.
    return `${viewer.id}\n${viewer.operator === true ? 'operator' : 'user'}\n${queryHash}\n${operationName ?? ''}\n${text}`;
  }

  /** A kept answer that is still right, or null. */
  async lookup(key: string): Promise<FormattedExecutionResult | null> {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.options.onLookup?.('miss');
      return null;
    }
    if (this.options.clock.now() >= entry.until || !(await this.stillCurrent(entry.versions))) {
      if (this.entries.get(key) === entry) this.drop(entry);
      this.options.onLookup?.('stale');
      return null;
    }
    // Answers kept meanwhile may have written over this one's bytes (and dropped it): a miss then.
    // A lookup of the same turn may have written it again (the same versions, checked): that copy.
    const now = this.entries.get(key);
    if (now === undefined || now.versions !== entry.versions || this.options.clock.now() >= now.until) {
      this.options.onLookup?.('miss');
      return null;
    }
    this.options.onLookup?.('hit');
    const text = this.block!.toString(now.latin1 ? 'latin1' : 'utf8', now.offset, now.offset + now.length);
    // Close to being dropped while clients still ask for it: written again after the last.
    if (
      this.written - now.writtenBefore > this.capacity * RENEW_AFTER ||
      this.bookkept - now.bookkeptBefore > this.bookkeepingBudget * RENEW_AFTER
    ) {
      this.drop(now);
      this.place(key, text, now.versions, now.until, now.bookkeeping);
    }
    return JSON.parse(text) as FormattedExecutionResult;
  }

  /** Keeps an executed answer when everything it read was recorded and it is a clean one. */
  keep(key: string, result: FormattedExecutionResult, reads: ReadSet): void {
    if (reads.untracked || reads.versions.size === 0 || !isClean(result)) return;
    const now = this.options.clock.now();
    const until = Math.min(now + this.options.maxAgeMs, reads.until);
    if (until <= now) return;
    const versions = [...reads.versions];
    let bytes = ENTRY_OVERHEAD_BYTES + stringBytes(key);
    for (const [name, version] of versions) bytes += VERSION_OVERHEAD_BYTES + stringBytes(name) + stringBytes(version);
    // Counted before the JSON is built: an answer already over the cap is not serialised. Nor is
    // one whose JSON must be longer than what is left: a second copy of a large answer would be
    // garbage at once (V8 puts a string of over 128 KiB in its large-object space, out of the
    // young generation), and a client choosing large answers would double what they cost.
    if (bytes > Math.min(this.options.maxEntryBytes, this.bookkeepingBudget)) return;
    if (jsonExceeds(result, Math.min(this.options.maxEntryBytes - bytes, this.maxJsonBytes))) return;
    this.place(key, JSON.stringify(result), versions, until, bytes);
  }

  /** Writes an answer's JSON after the last one, dropping the oldest answers it needs room from. */
  private place(key: string, text: string, versions: ReadonlyArray<readonly [string, string]>, until: number, bookkeeping: number): void {
    // A one-byte string is written as its Latin-1 bytes (a copy, no encoding); any other as UTF-8.
    const latin1 = !TWO_BYTE.test(text);
    const length = latin1 ? text.length : Buffer.byteLength(text, 'utf8');
    if (bookkeeping + length > this.options.maxEntryBytes || length > this.maxJsonBytes || bookkeeping > this.bookkeepingBudget) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) this.drop(previous);
    while (this.bookkeeping + bookkeeping > this.bookkeepingBudget && this.oldestEntry !== null) this.drop(this.oldestEntry);
    if (this.head + length > this.capacity) {
      // Round to the start: what is left after the last answer holds the oldest ones, dropped.
      while (this.oldestEntry !== null && this.oldestEntry.offset >= this.head) this.drop(this.oldestEntry);
      this.written += this.capacity - this.head;
      this.head = 0;
    }
    // The answers written in the previous round that start where this one goes: the oldest, in order.
    for (let oldest = this.oldestEntry; oldest !== null && oldest.offset >= this.head && oldest.offset < this.head + length;) {
      this.drop(oldest);
      oldest = this.oldestEntry;
    }
    this.block ??= Buffer.allocUnsafeSlow(this.capacity);
    this.block.write(text, this.head, length, latin1 ? 'latin1' : 'utf8');
    const entry: Entry = {
      key,
      offset: this.head,
      length,
      latin1,
      versions,
      until,
      bookkeeping,
      writtenBefore: this.written,
      bookkeptBefore: this.bookkept,
      older: this.newestEntry,
      newer: null,
    };
    this.entries.set(key, entry);
    if (this.newestEntry !== null) this.newestEntry.newer = entry;
    else this.oldestEntry = entry;
    this.newestEntry = entry;
    this.bookkeeping += bookkeeping;
    this.bookkept += bookkeeping;
    this.head += length;
    this.written += length;
    this.touched = Math.max(this.touched, this.head);
  }

  private drop(entry: Entry): void {
    this.entries.delete(entry.key);
    this.bookkeeping -= entry.bookkeeping;
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldestEntry = entry.newer;
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newestEntry = entry.older;
    entry.older = entry.newer = null;
  }

  /** Whether every recorded version is the stored one; a failed read counts as no (the request is executed). */
  private async stillCurrent(versions: ReadonlyArray<readonly [string, string]>): Promise<boolean> {
    if (this.batch === null) {
      const keys = new Set<string>();
      const done = new Promise<Map<string, string>>((resolve, reject) =>
        setImmediate(() => {
          this.batch = null;
          this.options.versionsOf([...keys]).then(resolve, reject);
        }),
      );
      this.batch = { keys, done };
    }
    for (const [key] of versions) this.batch.keys.add(key);
    const stored = await this.batch.done.catch(() => new Map<string, string>());
    return versions.every(([key, version]) => stored.get(key) === version);
  }
}

/**
 * Whether `value`'s JSON is surely longer than `limit` characters: a walk that builds no string
 * and counts a lower bound (strings, keys and brackets; a number or boolean as one character),
 * stopping once the bound passes `limit`.
 */
export function jsonExceeds(value: unknown, limit: number): boolean {
  let length = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') length += next.length + 2;
    else if (Array.isArray(next)) {
      length += 1 + Math.max(1, next.length);
      for (const item of next) pending.push(item);
    } else if (next !== null && typeof next === 'object') {
      // Own keys only, as JSON.stringify (graphql-js's results have no prototype; a JSON scalar's value does).
      const record = next as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        if (item === undefined || !Object.hasOwn(record, key)) continue;
        length += key.length + 3;
        pending.push(item);
      }
      length += 2;
    } else length += next === null ? 4 : 1;
    if (length > limit) return true;
  }
  return false;
}

/** Data for every root field and no error: the only kind of answer kept. */
function isClean(result: FormattedExecutionResult): boolean {
  return result.errors === undefined && !!result.data && Object.values(result.data).every((value) => value !== null);
}

/**
 * The cache in Apollo's pipeline: every request's reads are recorded (a ReadSet on the request's
 * scope); a query whose kept answer is current is answered from it instead of being executed, and
 * an executed query's clean answer is kept.
 */
export function answerCachePlugin(cache: AnswerCache): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart() {
      const scope = currentRequest();
      if (!scope) return Promise.resolve(undefined);
      const reads = new ReadSet();
      scope.reads = reads;
      let key: string | null = null;
      let served = false;
      return Promise.resolve({
        async responseForOperation({ operation, queryHash, request, contextValue }) {
          if (operation.operation !== OperationTypeNode.QUERY) return null;
          if (queryHash === undefined) return null;
          key = cache.keyFor(contextValue.viewer, queryHash, request.operationName, request.variables);
          const kept = key === null ? null : await cache.lookup(key);
          if (kept === null) return null;
          served = true;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: kept } };
        },
        willSendResponse({ response }) {
          scope.reads = undefined;
          if (!served && key !== null && response.body.kind === 'single') cache.keep(key, response.body.singleResult, reads);
          return Promise.resolve();
        },
      });
    },
  };
}
