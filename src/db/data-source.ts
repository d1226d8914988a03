/**
 * Builds the TypeORM DataSource for SQLite (the embedded default) or PostgreSQL. Schema changes are
 * migrations, run at start; `synchronize` stays off.
 */
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
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

/** SQLite's busy_timeout: how long one statement may block the event loop on a lock held by another process. */
const DEFAULT_BUSY_TIMEOUT_MS = 10;

export function dataSourceOptions(
  database: DatabaseConfig,
  models: StoredModels,
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
): DataSourceOptions {
  const common = {
    entities: models.entities,
    migrations: [...models.migrations, StorageProbe1764170000000],
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  if (database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: database.url, extra: { max: 10, connectionTimeoutMillis: 5000 } };
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
    },
  };
}

/** Opens the database (creating the SQLite folder if needed) and applies pending migrations. */
export async function openDatabase(
  database: DatabaseConfig,
  models: StoredModels,
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
): Promise<DataSource> {
  if (database.kind === 'sqlite' && database.file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(database.file)), { recursive: true });
  }
  const dataSource = new DataSource(dataSourceOptions(database, models, busyTimeoutMs));
  await dataSource.initialize();
  if (database.kind === 'postgres') guardPoolClients(dataSource);
  try {
    await migrate(dataSource);
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
 */
async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
