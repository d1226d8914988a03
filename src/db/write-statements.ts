/**
 * What a write callback gets from `Database.write` / `writeOne`: statements on the tables, run in
 * the write's transaction (or, for `writeOne`, as its one statement), and nothing else. The
 * transaction belongs to `Database`: nothing here can begin, commit, roll back or open a savepoint
 * (TypeORM's `save()`/`transaction()` would start their own and, inside SQLite's group commit, end
 * the whole group), cascade to relations or reload entities. Every statement is one SQL statement
 * whose outcome the caller sees: a conditional UPDATE answers how many rows it changed.
 */
import type { EntityTarget, FindOptionsOrder, FindOptionsSelect, FindOptionsWhere, ObjectLiteral, QueryRunner } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

export type Row = Record<string, unknown>;

export interface WriteStatements {
  /** One INSERT of `rows` (no cascades, no reload). Throws on a constraint (a duplicate key). */
  insert<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    rows: QueryDeepPartialEntity<T> | Array<QueryDeepPartialEntity<T>>,
  ): Promise<void>;
  /**
   * One UPDATE of the rows matching `where` (its conditions are the write's guard): how many rows it
   * changed. `where` must name something: an UPDATE of the whole table is refused.
   */
  update<T extends ObjectLiteral>(entity: EntityTarget<T>, where: FindOptionsWhere<T>, values: QueryDeepPartialEntity<T>): Promise<number>;
  /** One row as this write sees it (its own earlier statements included), or null. */
  findOne<T extends ObjectLiteral>(entity: EntityTarget<T>, where: FindOptionsWhere<T>, select?: FindOptionsSelect<T>): Promise<T | null>;
  /**
   * Up to `limit` rows matching `where`, in `order`, held for this write: on PostgreSQL they are
   * locked (FOR UPDATE SKIP LOCKED: rows another transaction holds are skipped, so replicas never
   * take the same row); on SQLite the write already holds the database's one write lock. Only in
   * `Database.write` (a transaction), not in `writeOne`.
   */
  claim<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    where: FindOptionsWhere<T>,
    order: FindOptionsOrder<T>,
    limit: number,
  ): Promise<T[]>;
  /** One statement of the repository's own SQL: the rows it returns (a SELECT, a RETURNING). */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** One statement of the repository's own SQL: how many rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A write callback used its statements wrongly (a transaction statement, a use after its write ended). Not a storage fault. */
export class WriteMisuseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteMisuseError';
  }
}

/** Statements that would take the transaction from `Database` (or change the connection) under it. */
const CONNECTION_CONTROL =
  /(^|;)\s*(BEGIN|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|START\s+TRANSACTION|PREPARE\s+TRANSACTION|PRAGMA|ATTACH|DETACH|VACUUM|SET|RESET)\b/i;
const COMMENTS = /--[^\n]*|\/\*[\s\S]*?\*\//g;

function assertStatement(sql: string): void {
  if (CONNECTION_CONTROL.test(sql.replace(COMMENTS, ' '))) {
    throw new WriteMisuseError(`a write may not control its transaction or connection (the Database does): ${sql.slice(0, 80)}`);
  }
}

/**
 * The statements of one write over `runner` (the SQLite connection inside the group's transaction,
 * or a PostgreSQL connection of the pool). `end()` closes them: a statement issued afterwards (a
 * promise the callback did not await) is refused instead of running in someone else's transaction.
 */
export function openStatements(runner: QueryRunner, kind: 'sqlite' | 'postgres'): { statements: WriteStatements; end: () => void } {
  const manager = runner.manager;
  let open = true;
  const check = () => {
    if (!open) throw new WriteMisuseError('a statement was issued after its write ended (a promise left unawaited in the write callback)');
  };
  const raw = async (sql: string, params: readonly unknown[]) => {
    check();
    assertStatement(sql);
    return runner.query(sql, [...params], true);
  };
  const statements: WriteStatements = {
    async insert(entity, rows) {
      check();
      await manager.insert(entity, rows);
    },
    async update(entity, where, values) {
      check();
      if (Object.keys(where).length === 0) throw new WriteMisuseError('an UPDATE without a condition');
      const result = await manager.update(entity, where, values);
      return result.affected ?? 0;
    },
    async findOne(entity, where, select) {
      check();
      return manager.findOne(entity, { where, ...(select ? { select } : {}) });
    },
    async claim(entity, where, order, limit) {
      check();
      return manager.find(entity, {
        where,
        order,
        take: limit,
        ...(kind === 'postgres' ? { lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' } as const } : {}),
      });
    },
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const result = await raw(sql, params);
      return (Array.isArray(result.records) ? result.records : []) as R[];
    },
    async execute(sql, params = []) {
      const result = await raw(sql, params);
      return result.affected ?? 0;
    },
  };
  return {
    statements: Object.freeze(statements),
    end: () => {
      open = false;
    },
  };
}
