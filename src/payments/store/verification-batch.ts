/**
 * PostgreSQL: the confirmations of one event-loop turn in one statement. Every read and every
 * reconciler check that finds Cashii agreeing with the stored status writes its verification
 * columns (`PaymentRepository.recordVerification`): one UPDATE each was, at 100 creates/s, three
 * round trips per create for the reconciler's checks alone, and each round trip is a system call
 * that wakes a PostgreSQL backend. Here the ones of one turn become one
 *
 *   UPDATE payment_orders AS p SET ... FROM unnest($1::varchar[], ...) AS v(...)
 *   WHERE p.id = v.id AND p.status = v.status RETURNING p.id
 *
 * per set of columns written, each row still guarded by its own stored status; each caller learns
 * whether its own row was updated. A statement is atomic by itself and commits like the single
 * UPDATE did (as durable). A payment named twice in one turn goes to a second statement, so the
 * later write still lands after the earlier one (across turns, as before, concurrent writes of one
 * payment land in the order the database takes them). Rows are sent in the order of their ids, so
 * two statements over the same payments lock them in one order. When a statement of several rows
 * fails (one value the column refuses, a deadlock, a lost connection), each of its rows is written
 * again on its own (`single`, the one-row UPDATE): one bad row fails only its own caller. SQLite
 * needs none of this: no round trips, and its group commit already shares one transaction.
 */
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { Database } from '../../db/database';
import { noteUntrackedRead } from '../../observability/request-scope';
import { PaymentOrder } from './payment-entity';

interface Pending {
  readonly id: string;
  readonly status: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly resolve: (updated: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Rows per statement at most (parameters are arrays: the count of rows does not grow the statement). */
const ROWS_PER_STATEMENT = 500;

export class VerificationBatch {
  private pending: Pending[] = [];
  private readonly table: string;
  private readonly columns: ReadonlyMap<string, ColumnMetadata>;
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly db: Database,
    /** The same write for one row, as its own statement: the fallback when a statement of several rows fails. */
    private readonly single: (id: string, status: string, values: Readonly<Record<string, unknown>>) => Promise<boolean>,
  ) {
    const metadata = db.dataSource.getMetadata(PaymentOrder);
    this.table = `"${metadata.tableName}"`;
    this.columns = new Map(metadata.columns.map((column) => [column.propertyName, column]));
  }

  /** Writes `values` on the payment while its status is `status` (an undefined value is not written, as in TypeORM's update); true when its row was updated. */
  record(id: string, status: string, patch: Readonly<Record<string, unknown>>): Promise<boolean> {
    const values = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    if (Object.keys(values).length === 0) return Promise.reject(new Error('a verification writes at least one column'));
    // The statement runs in a later turn, in the scope of whichever caller came first: each caller's
    // request is marked as one that wrote here, in its own scope (its answer is never kept).
    noteUntrackedRead();
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ id, status, values, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    // Rounds run one after another; in a round, one statement per set of columns (and per
    // ROWS_PER_STATEMENT rows), side by side. A payment written twice in one turn has its later
    // write in a later round, so the order of its writes is kept.
    const rounds: Array<Map<string, Pending[][]>> = [];
    const roundOf = new Map<string, number>();
    for (const item of pending) {
      const r = (roundOf.get(item.id) ?? -1) + 1;
      roundOf.set(item.id, r);
      const round = rounds[r] ?? (rounds[r] = new Map());
      const names = Object.keys(item.values).sort().join(',');
      const chunks = round.get(names) ?? [];
      round.set(names, chunks);
      const last = chunks.at(-1);
      if (last === undefined || last.length >= ROWS_PER_STATEMENT) chunks.push([item]);
      else last.push(item);
    }
    void rounds.reduce(
      (previous, round) =>
        previous.then(async () => {
          await Promise.all([...round].flatMap(([names, chunks]) => chunks.map((rows) => this.run(names.split(','), rows))));
        }),
      Promise.resolve(),
    );
  }

  private async run(properties: readonly string[], unsorted: readonly Pending[]): Promise<void> {
    const rows = [...unsorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let updated: Set<string>;
    try {
      updated = await this.statement(properties, rows);
    } catch (error) {
      if (rows.length === 1) return rows[0].reject(error);
      // Which row the database refused is not said: each is written on its own, and only its own caller sees its error.
      await Promise.all(rows.map((row) => this.single(row.id, row.status, row.values).then(row.resolve, row.reject)));
      return;
    }
    for (const row of rows) row.resolve(updated.has(row.id));
  }

  /** One UPDATE of these rows, setting `properties`: the ids of the rows it updated. */
  private async statement(properties: readonly string[], rows: readonly Pending[]): Promise<Set<string>> {
    const columns = ['id', 'status', ...properties].map((property) => this.column(property));
    const driver = this.db.dataSource.driver;
    const params = columns.map((column): unknown[] =>
      rows.map((row): unknown => {
        const value =
          column.propertyName === 'id' ? row.id : column.propertyName === 'status' ? row.status : row.values[column.propertyName];
        return value === undefined || value === null ? null : (driver.preparePersistentValue(value, column) as unknown);
      }),
    );
    const sql = this.sqlFor(columns);
    const updated = await this.db.writeOne((w) => w.query<{ id: string }>(sql, params));
    return new Set(updated.map((row) => row.id));
  }

  private column(property: string): ColumnMetadata {
    const column = this.columns.get(property);
    if (column === undefined) throw new Error(`payment_orders has no column for ${property}`);
    return column;
  }

  /** The statement for these columns (id and status first), built once per set of columns. */
  private sqlFor(columns: readonly ColumnMetadata[]): string {
    const key = columns.map((column) => column.propertyName).join(',');
    let sql = this.statements.get(key);
    if (sql === undefined) {
      const name = (column: ColumnMetadata) => `"${column.databaseName}"`;
      const [id, status, ...set] = columns;
      const arrays = columns.map((column, i) => `$${i + 1}::${String(column.type)}[]`).join(', ');
      sql =
        `UPDATE ${this.table} AS p SET ${set.map((column) => `${name(column)} = v.${name(column)}`).join(', ')}` +
        ` FROM unnest(${arrays}) AS v(${columns.map(name).join(', ')})` +
        ` WHERE p.${name(id)} = v.${name(id)} AND p.${name(status)} = v.${name(status)} RETURNING p.${name(id)} AS "id"`;
      this.statements.set(key, sql);
    }
    return sql;
  }
}
