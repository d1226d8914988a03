/**
 * Builds the TypeORM DataSource for SQLite (the embedded default) or PostgreSQL. Schema changes are
 * migrations, run at start; `synchronize` stays off.
 *
 * On a SQLite file the DataSource owns a second connection, read-only, for reads (`readSourceOf`):
 * the write connection runs group commits (Database.write), and a read on it would see a group's
 * rows before its COMMIT. In WAL mode the read connection sees every committed transaction and
 * never waits for the writer. An in-memory database cannot be opened twice: there, reads and
 * writes share the one connection (tests and tools only; a running BFF uses a file).
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions, MigrationExecutor, type MigrationInterface } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { StorageProbe1764170000000 } from './migrations/1764170000000-StorageProbe';

/**
 * What the modules store: each module hands over its entities and the migrations that create
 * them (the database room imports no module). The database's own migration (the readiness probe
 * table) is added here.
 */
export interface StoredModels {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: Array<new () => MigrationInterface>;
}

/** How long the database may make a statement wait (from the `storage` settings). */
export interface DatabaseTiming {
  /** SQLite's busy_timeout: how long one statement may block the event loop on a lock held by another process. */
  busyTimeoutMs?: number;
  /**
   * PostgreSQL's lock_timeout on every pooled connection (DATABASE_LOCK_WAIT_MS; SQLite's writes wait
   * with timers instead). Without it (the migration CLI) PostgreSQL's own defaults apply.
   */
  lockWaitMs?: number;
  /**
   * SQLite's page cache per connection, in bytes (DATABASE_CACHE_BYTES). better-sqlite3 builds SQLite
   * with 16 MB: it fills as the file grows, so a process's memory climbs for as long as the file is
   * under twice that. Set here, the bound is the operator's, and is reached sooner.
   */
  cacheBytes?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 10;
const DEFAULT_CACHE_BYTES = 2 * 1024 * 1024;

/** `PRAGMA cache_size` in KiB (a negative size is KiB; a positive one would be pages). */
function cacheSizePragma(cacheBytes: number): string {
  return `cache_size = -${Math.max(64, Math.floor(cacheBytes / 1024))}`;
}
/** Connections each process keeps to PostgreSQL (node-postgres opens them as requests need them). */
export const POSTGRES_POOL_SIZE = 10;

/** A statement that runs longer than this is cancelled (57014, a storage fault): nothing waits without bound. */
const MIN_STATEMENT_TIMEOUT_MS = 5000;

/**
 * PostgreSQL's bounds for each pooled connection, sent at connection start: a lock wait ends after
 * `lockWaitMs` (55P03), any statement after the larger statement timeout (57014). Both answer
 * STORAGE_UNAVAILABLE. lock_timeout 0 would mean "wait forever", so 0 becomes 1 ms.
 */
export function postgresTimeouts(lockWaitMs: number): { lock_timeout: number; statement_timeout: number } {
  const lock = Math.max(1, lockWaitMs);
  return { lock_timeout: lock, statement_timeout: Math.max(MIN_STATEMENT_TIMEOUT_MS, 10 * lock) };
}

/**
 * The DataSource `openDatabase` returns. On a SQLite file it holds the read connection too, and
 * closes it with itself (first, so the write connection, closing last, checkpoints the WAL).
 */
class PrimaryDataSource extends DataSource {
  readSource: DataSource | null = null;

  override async destroy(): Promise<void> {
    const reads = this.readSource;
    this.readSource = null;
    if (reads?.isInitialized) await reads.destroy();
    await super.destroy();
  }
}

/**
 * Where reads go: the read-only connection of a SQLite file opened by `openDatabase`; otherwise (a
 * PostgreSQL pool, an in-memory database, a DataSource made elsewhere) `dataSource` itself.
 */
export function readSourceOf(dataSource: DataSource): DataSource {
  return dataSource instanceof PrimaryDataSource && dataSource.readSource?.isInitialized ? dataSource.readSource : dataSource;
}

/**
 * The read connection of a SQLite file: read-only (a statement that writes fails), the entities'
 * metadata for TypeORM's finders, and the write connection's logger (so whoever watches the SQL sees
 * both). It never changes the file's journal mode: the write connection set WAL before it opens.
 */
function readOptions(
  file: string,
  models: StoredModels,
  timing: Required<Omit<DatabaseTiming, 'lockWaitMs'>>,
  writes: DataSource,
): DataSourceOptions {
  const { busyTimeoutMs, cacheBytes } = timing;
  return {
    type: 'better-sqlite3',
    database: file,
    readonly: true,
    fileMustExist: true,
    entities: models.entities,
    synchronize: false,
    migrationsRun: false,
    logger: writes.logger,
    timeout: busyTimeoutMs,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma(cacheSizePragma(cacheBytes));
    },
  };
}

function timingOf(timing: number | DatabaseTiming): DatabaseTiming & Required<Omit<DatabaseTiming, 'lockWaitMs'>> {
  const given = typeof timing === 'number' ? { busyTimeoutMs: timing } : timing;
  return {
    busyTimeoutMs: given.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    cacheBytes: given.cacheBytes ?? DEFAULT_CACHE_BYTES,
    ...(given.lockWaitMs === undefined ? {} : { lockWaitMs: given.lockWaitMs }),
  };
}

export function dataSourceOptions(database: DatabaseConfig, models: StoredModels, timing: number | DatabaseTiming = {}): DataSourceOptions {
  const { busyTimeoutMs, lockWaitMs, cacheBytes } = timingOf(timing);
  const common = {
    entities: models.entities,
    migrations: [...models.migrations, StorageProbe1764170000000],
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      extra: { max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: 5000, ...(lockWaitMs === undefined ? {} : postgresTimeouts(lockWaitMs)) },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    enableWAL: true,
    // better-sqlite3 is synchronous: a long busy timeout would freeze the process while another one
    // holds the lock. Writes wait for the lock with timers instead (Database.write).
    timeout: busyTimeoutMs,
    // FULL makes every committed payment row durable across power loss, not only a process crash.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('synchronous = FULL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma(cacheSizePragma(cacheBytes));
    },
  };
}

/** Opens the database (creating the SQLite folder if needed) and applies pending migrations. */
export async function openDatabase(
  database: DatabaseConfig,
  models: StoredModels,
  timing: number | DatabaseTiming = {},
): Promise<DataSource> {
  if (database.kind === 'sqlite' && database.file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(database.file)), { recursive: true });
  }
  const dataSource = new PrimaryDataSource(dataSourceOptions(database, models, timing));
  await dataSource.initialize();
  if (database.kind === 'postgres') guardPoolClients(dataSource);
  try {
    // Migrations run on the write connection, before the read connection opens on their schema.
    await migrate(dataSource);
    if (database.kind === 'sqlite' && database.file !== ':memory:') {
      const reads = new DataSource(readOptions(database.file, models, timingOf(timing), dataSource));
      await reads.initialize();
      dataSource.readSource = reads;
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * A pooled pg client whose connection is cut (pg_terminate_backend, a restart) can emit 'error'
 * when neither TypeORM nor the pool listens, and an unheard 'error' ends the process. Every client
 * gets a listener of its own; the failure itself reaches whoever was querying.
 */
function guardPoolClients(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: EventEmitter }).master;
  pool?.on('connect', (client: EventEmitter) => client.on('error', () => undefined));
}

/** Any 64-bit number unique to this application: the advisory lock key of its migrations. */
const MIGRATION_LOCK = 7_402_918_334_561_202;

/**
 * Applies pending migrations. On PostgreSQL, replicas starting together would race to create the
 * same tables, so the run holds a session advisory lock: the others wait, then find nothing to do.
 * That session runs the migrations too, without the pool's lock and statement timeouts (a replica
 * waits for another's migrations as long as they take, and a migration may rewrite a large table).
 */
async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SET lock_timeout = 0');
    await lock.query('SET statement_timeout = 0');
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const executor = new MigrationExecutor(dataSource, lock);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    // Back to the pool's timeouts (RESET returns to what the connection started with).
    await lock.query('RESET lock_timeout').catch(() => undefined);
    await lock.query('RESET statement_timeout').catch(() => undefined);
    await lock.release();
  }
}
