/**
 * What one HTTP request is, for everything that runs on its behalf: its id, its GraphQL operation,
 * and how that operation ended. The HTTP edge opens the scope; every log line written inside it
 * (however deep in the payments code, through the process's one logger) carries the id and the
 * operation name (src/logger.ts reads the scope in pino's `mixin`), and the edge counts the outcome
 * in the metrics when the answer is sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** How an operation ended: no errors, data with some errors, or errors only (refusals included). */
export type OperationOutcome = 'success' | 'partial' | 'error';

/** The metrics of one GraphQL request: `operation` is already bounded (see OperationNames). */
export interface OperationRecord {
  readonly operation: string;
  readonly outcome: OperationOutcome;
  /** `extensions.code` of each error of the answer. */
  readonly codes: readonly string[];
}

export interface RequestScope {
  readonly requestId: string;
  /** The operation's name as the client sent it or as Apollo resolved it, at most MAX_OPERATION_NAME characters. */
  operationName?: string;
  /** Set once per request by whoever answered it (Apollo's plugin, or the HTTP edge's own refusal). */
  operation?: OperationRecord;
  /** What the request read, when something (the answer cache) asked for it to be recorded. */
  reads?: ReadSet;
}

/**
 * What one request read from storage, recorded where it is read (the stores): each record or list
 * by a key, with its version then and the time until which it stays as read without a write
 * (Infinity, or sooner when a read after that time would confirm it elsewhere, e.g. with Cashii).
 * A read that records nothing (any read the stores do not describe, or any write) makes the set
 * `untracked`: nothing can say when its answer changes.
 */
export class ReadSet {
  readonly versions = new Map<string, string>();
  until = Infinity;
  untracked = false;

  note(key: string, version: string, until = Infinity): void {
    const known = this.versions.get(key);
    // The same record read twice in one request, changed in between: no single version describes the answer.
    if (known !== undefined && known !== version) this.untracked = true;
    this.versions.set(key, version);
    if (until < this.until) this.until = until;
  }
}

/** Records a read of `key` at `version` for the current request, if its reads are being recorded. */
export function noteRead(key: string, version: string, until?: number): void {
  storage.getStore()?.reads?.note(key, version, until);
}

/** Marks the current request's reads as not describable (a read nobody versions, or a write). */
export function noteUntrackedRead(): void {
  const reads = storage.getStore()?.reads;
  if (reads) reads.untracked = true;
}

/** An `x-request-id` we adopt: what proxies and tracing tools generate (UUIDs, hex, ULIDs, `host:counter`). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Names longer than this are cut in log lines (a client may send any operationName). */
export const MAX_OPERATION_NAME = 100;

const storage = new AsyncLocalStorage<RequestScope>();

/** The scope of the request this code runs for, if any. */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

/** Runs `work` (and everything it starts) as part of the request with this scope. */
export function runInRequest<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The request id a client or proxy sent, when well-formed; otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Records the operation's name for log lines, cut to MAX_OPERATION_NAME characters. */
export function noteOperationName(scope: RequestScope | undefined, name: unknown): void {
  if (scope && typeof name === 'string' && name !== '') scope.operationName = name.slice(0, MAX_OPERATION_NAME);
}
