/**
 * Write access to the database. better-sqlite3 gives TypeORM a single connection, on which two
 * interleaved transactions collide (and a plain write would slip into another flow's open
 * transaction), so on SQLite every write runs through one queue. PostgreSQL uses its pool.
 */
import type { DataSource, EntityManager } from 'typeorm';

export class Database {
  private queue: Promise<unknown> = Promise.resolve();
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
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The manager for reads (never for writes: use `write`). */
  get reader(): EntityManager {
    return this.dataSource.manager;
  }
}
