/**
 * Whole answers to repeated reads, kept per viewer and checked against the database on every use.
 *
 * A frontend polls the same read (`payment(id) { ... }`) with the same variables; once the payment
 * stops changing, so does the answer. An answer is kept only when its document has the shape the
 * owning module declares cacheable (for payments: only `payment(id)` root fields selecting stored
 * columns, no fragments, no directives) and every record it shows left a stamp: the record's
 * version (every stored column) and the time its freshness policy would confirm it with
 * Cashii again. A kept answer is served only while that time has not come and every stamp's
 * version is still the stored one (one indexed SELECT, shared by the lookups of one event-loop
 * turn), so any write to those records, on any replica, retires it. Served from here, a request skips Apollo's pipeline and execution; it
 * still passes the HTTP edge, CORS, trusted documents and authentication first.
 *
 * Memory is bounded in bytes, not only in entries: any client can fill this cache (distinct
 * aliases make distinct keys), so the kept answers together never hold more than `maxBytes`, and an
 * answer larger than `maxEntryBytes` is not kept at all (it is still answered, and shared with the
 * identical requests waiting for it). Sizes count two bytes per character of the key and body (the
 * most V8 stores), plus a fixed overhead per entry and per stamp.
 */
import { LRUCache } from 'lru-cache';
import { Kind, type OperationDefinitionNode, OperationTypeNode, type ParseOptions, type SelectionSetNode, parse } from 'graphql';

/** What one record shown in an answer left behind while it was resolved. */
export interface AnswerStamp {
  readonly key: string;
  readonly version: string;
  /** Epoch ms when the record would be confirmed upstream again (Infinity: never); the answer is kept until then. */
  readonly until: number;
}

/** Collected on the request's context while it executes. */
export interface AnswerNote {
  readonly stamps: AnswerStamp[];
}

/** The documents one module allows: root fields and, under each, the fields that are stored columns of its record. */
export interface CacheableShape {
  readonly rootFields: ReadonlySet<string>;
  readonly leafFields: ReadonlySet<string>;
}

export interface AnswerCacheOptions {
  shape: CacheableShape;
  /** The stored version of each key (absent: no such record). Lookups of one turn share one call. */
  versionsOf: (keys: string[]) => Promise<Map<string, string>>;
  maxEntries: number;
  /** Bytes all kept answers may hold together (keys, bodies, headers and stamps; see `entryBytes`). */
  maxBytes: number;
  /** An answer (with its key) larger than this is never kept. */
  maxEntryBytes: number;
  /** An answer older than this is dropped whatever its stamps say (memory hygiene). */
  maxAgeMs: number;
  parseOptions: ParseOptions;
  /** Told what each lookup found, for metrics. */
  onLookup?: (result: 'hit' | 'stale' | 'miss' | 'shared') => void;
}

export interface CachedAnswer {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** An answer handed to the identical requests that waited for it, with what it showed. */
interface Shared {
  readonly answer: CachedAnswer;
  readonly stamps: readonly AnswerStamp[];
}

interface Entry extends CachedAnswer {
  readonly stamps: readonly AnswerStamp[];
  readonly until: number;
}

/** Bodies longer than this are not looked at (keys stay small). */
const MAX_KEY_BODY = 2048;
/** What one kept entry costs besides its strings (the objects, the LRU's slots), a rough upper bound. */
const ENTRY_OVERHEAD_BYTES = 256;
/** What one stamp costs besides its key and version strings. */
const STAMP_OVERHEAD_BYTES = 64;
/** Bytes the remembered shape verdicts may hold: documents of at most MAX_KEY_BODY characters, so at least 256 of them (about 1 MiB). */
const VERDICT_BYTES = 256 * (2 * MAX_KEY_BODY + ENTRY_OVERHEAD_BYTES);

/** The bytes a kept answer holds, counted as 2 per character (V8 stores a string in 1 or 2 bytes per character). */
export function entryBytes(key: string, answer: CachedAnswer, stamps: readonly AnswerStamp[]): number {
  let bytes = ENTRY_OVERHEAD_BYTES + 2 * (key.length + answer.body.length);
  for (const [name, value] of answer.headers) bytes += 2 * (name.length + value.length) + 32;
  for (const stamp of stamps) bytes += STAMP_OVERHEAD_BYTES + 2 * (stamp.key.length + stamp.version.length);
  return bytes;
}

export class AnswerCache {
  /** Kept answers, least recently used dropped first, bounded in entries and in bytes. */
  private readonly entries: LRUCache<string, Entry>;
  /** Requests being executed now, by key: identical requests arriving meanwhile share their answer. */
  private readonly executing = new Map<string, { promise: Promise<Shared | null>; settle: (shared: Shared | null) => void }>();
  /** Keys whose stored version the next batched SELECT reads, with the lookups waiting for it. */
  private batch: { keys: Set<string>; done: Promise<Map<string, string>> } | null = null;
  /** Root field count of a cacheable document, or 0 for any other (documents of at most MAX_KEY_BODY characters). */
  private readonly verdicts = new LRUCache<string, number>({
    maxSize: VERDICT_BYTES,
    sizeCalculation: (_count, query) => ENTRY_OVERHEAD_BYTES + 2 * query.length,
  });

  constructor(private readonly options: AnswerCacheOptions) {
    this.entries = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      maxEntrySize: Math.min(options.maxEntryBytes, options.maxBytes),
      sizeCalculation: (entry, key) => entryBytes(key, entry, entry.stamps),
    });
  }

  /** What the kept answers hold now: their number and counted bytes. */
  held(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  /** The key of a request whose answer may be kept (per viewer and role), or null. `body` is the JSON request after trusted documents. */
  keyFor(viewer: { id: string; operator?: boolean }, accept: string | undefined, body: unknown): string | null {
    const request = body as { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown } | null;
    if (request === null || typeof request !== 'object' || typeof request.query !== 'string') return null;
    // The shape first (a remembered verdict): only those reads are looked at any further.
    if (request.query.length > MAX_KEY_BODY || this.rootFieldCount(request.query) === 0) return null;
    let text: string;
    try {
      text = JSON.stringify([request.query, request.operationName ?? null, request.variables ?? null]);
    } catch {
      return null; // variables nested past the stack: Apollo refuses them with its own coded error
    }
    if (text.length > MAX_KEY_BODY) return null;
    // The viewer's role is part of the key too: an answer must never outlive a change of what its viewer may see.
    return `${viewer.id}\n${viewer.operator === true ? 'operator' : 'user'}\n${accept ?? ''}\n${text}`;
  }

  /** A kept answer that is still right, or null. */
  async lookup(key: string): Promise<CachedAnswer | null> {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.options.onLookup?.('miss');
      return null;
    }
    if (Date.now() >= entry.until || !(await this.stillCurrent(entry.stamps))) {
      if (this.entries.peek(key) === entry) this.entries.delete(key);
      this.options.onLookup?.('stale');
      return null;
    }
    this.options.onLookup?.('hit');
    return entry; // `get` made it the most recently used
  }

  /**
   * The answer of an identical request (same viewer, document, variables and media type) being
   * executed right now, once it is ready; null when none is, or when its answer is not one to
   * share (an error, a refusal). Sharing it is what a read joining that request's confirmation with
   * Cashii would get anyway (PaymentSync shares one refresh among the reads that wait for it).
   */
  async join(key: string): Promise<CachedAnswer | null> {
    const running = this.executing.get(key);
    if (running === undefined) return null;
    const shared = await running.promise;
    // Written meanwhile (this request may come after a write the running one did not see): execute.
    if (shared === null || !(await this.stillCurrent(shared.stamps))) return null;
    this.options.onLookup?.('shared');
    return shared.answer;
  }

  /** Marks `key` as being executed by this request; false when another request already is. */
  begin(key: string): boolean {
    if (this.executing.has(key)) return false;
    let settle!: (shared: Shared | null) => void;
    const promise = new Promise<Shared | null>((resolve) => (settle = resolve));
    this.executing.set(key, { promise, settle });
    return true;
  }

  /**
   * Ends the execution `begin` started (call it once, also when execution failed: `answer` null).
   * The answer goes to the requests that joined when it has no error, and is kept when every root
   * field showed a record that left a stamp whose time has not come.
   */
  finish(key: string, query: string, note: AnswerNote | undefined, answer: CachedAnswer | null): void {
    const stamps = note?.stamps ?? [];
    // Only a clean answer whose every root field showed a stamped record is shared or kept.
    const shareable = answer !== null && stamps.length > 0 && stamps.length === this.rootFieldCount(query) && isCleanAnswer(answer);
    const running = this.executing.get(key);
    this.executing.delete(key);
    running?.settle(shareable ? { answer, stamps: [...stamps] } : null);
    if (!shareable) return;
    const now = Date.now();
    const until = Math.min(now + this.options.maxAgeMs, ...stamps.map((stamp) => stamp.until));
    if (until <= now) return;
    const entry: Entry = { status: answer.status, headers: answer.headers, body: answer.body, stamps: [...stamps], until };
    // Too large an answer is not kept (`set` drops it, and any older answer under the key); others may evict the least recently used.
    this.entries.set(key, entry);
  }

  /** Whether every stamp's version is the stored one; a failed read counts as no (the request is executed). */
  private async stillCurrent(stamps: readonly AnswerStamp[]): Promise<boolean> {
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
    for (const stamp of stamps) this.batch.keys.add(stamp.key);
    const versions = await this.batch.done.catch(() => new Map<string, string>());
    return stamps.every((stamp) => versions.get(stamp.key) === stamp.version);
  }

  private rootFieldCount(query: string): number {
    let count = this.verdicts.get(query);
    if (count === undefined) {
      count = shapeOf(query, this.options.shape, this.options.parseOptions);
      if (query.length <= MAX_KEY_BODY) this.verdicts.set(query, count);
    }
    return count;
  }
}

/** A 200 answer with data for every root field and no error: the only kind shared or kept. */
function isCleanAnswer(answer: CachedAnswer): boolean {
  if (answer.status !== 200) return false;
  let parsed: { errors?: unknown; data?: Record<string, unknown> | null };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return false;
  }
  return parsed.errors === undefined && !!parsed.data && Object.values(parsed.data).every((value) => value !== null);
}

/** The number of root fields of a document of the cacheable shape, or 0. */
function shapeOf(query: string, shape: CacheableShape, parseOptions: ParseOptions): number {
  let definitions;
  try {
    definitions = parse(query, { ...parseOptions, noLocation: true }).definitions;
  } catch {
    return 0;
  }
  if (definitions.length !== 1 || definitions[0].kind !== Kind.OPERATION_DEFINITION) return 0;
  const operation: OperationDefinitionNode = definitions[0];
  if (operation.operation !== OperationTypeNode.QUERY || (operation.directives?.length ?? 0) > 0) return 0;
  let roots = 0;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || (selection.directives?.length ?? 0) > 0) return 0;
    if (!shape.rootFields.has(selection.name.value) || !onlyLeaves(selection.selectionSet, shape.leafFields)) return 0;
    roots++;
  }
  return roots;
}

function onlyLeaves(set: SelectionSetNode | undefined, leaves: ReadonlySet<string>): boolean {
  if (set === undefined) return false;
  return set.selections.every(
    (selection) =>
      selection.kind === Kind.FIELD &&
      (selection.directives?.length ?? 0) === 0 &&
      (selection.arguments?.length ?? 0) === 0 &&
      selection.selectionSet === undefined &&
      leaves.has(selection.name.value),
  );
}
