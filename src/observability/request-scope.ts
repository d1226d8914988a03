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
