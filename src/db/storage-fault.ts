/**
 * Which failures mean "the database cannot take this now" (a full disk, an I/O error, a lock held
 * by someone else past the lock wait, a read-only database, a connection that is refused or cut) as opposed to a bug or a constraint the
 * caller should hear about. A storage fault is retryable and turns /readyz to 503 while it lasts.
 */
import { AppError } from '../common/errors';

/** SQLite result codes (better-sqlite3 puts the extended name in `code`, e.g. SQLITE_IOERR_WRITE). */
const SQLITE_FAULT = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|PROTOCOL|NOMEM|INTERRUPT|CORRUPT|NOTADB|PERM)/;

/** Socket errors and PostgreSQL SQLSTATEs of lost or refused connections and exhausted resources. */
const PG_FAULT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '08000', // connection_exception
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '25006', // read_only_sql_transaction (default_transaction_read_only, a hot standby after a failover)
  '25P03', // idle_in_transaction_session_timeout
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections (also a database's CONNECTION LIMIT)
  '53400', // configuration_limit_exceeded
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '57P05', // idle_session_timeout
  '57014', // query_canceled (statement_timeout)
  '55P03', // lock_not_available
]);

/**
 * SQLSTATE 55000 (object_not_in_prerequisite_state) is a storage fault only when it refuses the
 * connection (`ALTER DATABASE ... ALLOW_CONNECTIONS false`); elsewhere it names a misuse to hear about.
 */
const PG_REFUSED_CONNECTION = /not currently accepting connections|does not allow connections/i;

/** pg reports a cut connection by message only. */
const PG_FAULT_MESSAGE =
  /Connection terminated|Connection ended|timeout exceeded when trying to connect|not queryable|Client was closed|Cannot use a pool after calling end/i;

/** The driver's error inside TypeORM's wrapper (QueryFailedError keeps it as `driverError`). */
function driverErrorOf(error: unknown): unknown {
  if (error !== null && typeof error === 'object' && 'driverError' in error) return error.driverError;
  return error;
}

/**
 * TypeORM's own errors that mean the connection went away under a query (its runner released
 * itself): from the query builder, and from `EntityManager.query` on a transaction's runner.
 */
const TYPEORM_CONNECTION_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
  'ConnectionIsNotSetError',
]);

/** The code that names the fault (`SQLITE_FULL`, `ECONNREFUSED`, `57P01`, ...), or null when `error` is no storage fault. */
export function storageFaultCode(error: unknown): string | null {
  if (error instanceof StorageUnavailableError) return error.reason;
  if (error instanceof Error && TYPEORM_CONNECTION_ERRORS.has(error.name)) return 'CONNECTION_LOST';
  const driver = driverErrorOf(error);
  if (driver === null || typeof driver !== 'object') return null;
  const code = (driver as { code?: unknown }).code;
  if (typeof code === 'string' && (SQLITE_FAULT.test(code) || PG_FAULT_CODES.has(code))) return code;
  const message = (driver as { message?: unknown }).message;
  if (code === '55000' && typeof message === 'string' && PG_REFUSED_CONNECTION.test(message)) return code;
  if (typeof message === 'string' && PG_FAULT_MESSAGE.test(message)) return 'CONNECTION_LOST';
  // AggregateError (a host with several addresses all refusing) carries the codes in `errors`.
  const nested = (driver as { errors?: unknown }).errors;
  if (Array.isArray(nested)) return nested.map(storageFaultCode).find((found) => found !== null) ?? null;
  return null;
}

export function isStorageFault(error: unknown): boolean {
  return storageFaultCode(error) !== null;
}

/**
 * The database could not commit (or be reached): nothing of this request was stored. Clients get
 * `STORAGE_UNAVAILABLE` with `retryable: true`; `reason` (the driver's code) is for logs and metrics.
 */
export class StorageUnavailableError extends AppError {
  constructor(
    readonly reason: string,
    message = 'Payment records cannot be saved right now, please try again',
  ) {
    super('STORAGE_UNAVAILABLE', message, { retryable: true });
    this.name = 'StorageUnavailableError';
  }

  /** Wraps a storage fault (keeping its code as `reason`); anything else is returned as it is. */
  static from(error: unknown, fallbackReason?: string): unknown {
    if (error instanceof StorageUnavailableError) return error;
    const reason = storageFaultCode(error) ?? fallbackReason;
    if (reason === undefined) return error;
    const wrapped = new StorageUnavailableError(reason);
    wrapped.cause = error;
    return wrapped;
  }
}
