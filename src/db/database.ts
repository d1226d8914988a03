/**
 * Write access to the database. better-sqlite3 gives TypeORM a single connection, on which two
 * interleaved transactions collide (and a plain write would slip into another flow's open
 * transaction), so on SQLite every write runs through one queue. PostgreSQL uses its pool.
 */
import type { DataSource, EntityManager } from 'typeorm';

/** One write queue per SQLite DataSource, however many Database objects wrap it. */
const queues = new WeakMap<DataSource, Promise<unknown>>();

export class Database {
  private readonly serial: boolean;

  constructor(readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.serial ? 'sqlite' : 'postgres';
  }

  /** Runs `work` in one transaction; on SQLite, after every write queued before it. */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serial) return this.dataSource.transaction(work);
    const run = (queues.get(this.dataSource) ?? Promise.resolve()).then(() => this.dataSource.transaction(work));
    queues.set(
      this.dataSource,
      run.catch(() => undefined),
    );
    return run;
  }

  /** The manager for reads (never for writes: use `write`). */
  get reader(): EntityManager {
    return this.dataSource.manager;
  }
}
