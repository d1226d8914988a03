/**
 * Which PostgreSQL failures are storage faults (STORAGE_UNAVAILABLE, retryable): a read-only
 * database, a database refusing connections, a lock wait or statement over its timeout, and not
 * a constraint or a misuse the caller must hear about.
 */
import { QueryFailedError } from 'typeorm';
import { StorageUnavailableError, storageFaultCode } from '../../src/db/storage-fault';

/** A pg error as the driver raises it (a DatabaseError with `code`), inside TypeORM's wrapper. */
function pgError(code: string, message: string): QueryFailedError {
  return new QueryFailedError('INSERT INTO payment_orders ...', [], Object.assign(new Error(message), { code }));
}

describe('storageFaultCode on PostgreSQL', () => {
  it.each([
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['55000', 'database "shop" is not currently accepting connections'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'too many connections for database "shop"'],
    ['53400', 'configuration limit exceeded'],
    ['55P03', 'canceling statement due to lock timeout'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P05', 'terminating connection due to idle-session timeout'],
  ])('%s (%s) is a storage fault', (code, message) => {
    expect(storageFaultCode(pgError(code, message))).toBe(code);
    // Raised on connect, pg's error arrives bare (no QueryFailedError around it).
    expect(storageFaultCode(Object.assign(new Error(message), { code }))).toBe(code);
    const wrapped = StorageUnavailableError.from(pgError(code, message));
    expect(wrapped).toBeInstanceOf(StorageUnavailableError);
    expect((wrapped as StorageUnavailableError).extensions).toEqual({ retryable: true });
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['55000', 'lastval is not yet defined in this session'],
    ['42P01', 'relation "payment_orders" does not exist'],
  ])('%s (%s) is not', (code, message) => {
    expect(storageFaultCode(pgError(code, message))).toBeNull();
  });
});
