/**
 * The hot paths as plain SQL: payment records by Cashii id with one SELECT (every `payment(id)`),
 * and the rows every create writes (the record, the UPDATE recording Cashii's id, the first
 * event), bypassing TypeORM's query builder and entity hydration (a quarter of a read's CPU and
 * most of TypeORM's share of a create's in the profiles). Column lists, names and each column's
 * conversion come from TypeORM's own metadata of the entities, so a column is declared once (the
 * entity files) and these statements follow it; tests compare both ways on both databases.
 */
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database, WriteStatements } from '../../db/database';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { PaymentEventRecord } from './payment-event-entity';
import { PaymentOrder } from './payment-entity';
import { CreateState, createStepsInto } from './create-lifecycle';
import { type FreshUntil, notePayments } from './read-notes';
import { noteUntrackedRead } from '../../observability/request-scope';

type Row = Record<string, unknown>;

/**
 * An entity's rows as plain SQL: its select list, and a row hydrated as TypeORM would (the driver's
 * conversion and the column's transformer, per column), both from TypeORM's metadata.
 */
export class EntityRows<T extends ObjectLiteral> {
  readonly table: string;
  readonly selectList: string;
  private readonly columns: readonly ColumnMetadata[];
  private readonly quoted: ReadonlyMap<string, string>;
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: new () => T,
  ) {
    const metadata = dataSource.getMetadata(entity);
    this.columns = metadata.columns;
    this.quoted = new Map(this.columns.map((column) => [column.propertyName, `"${column.databaseName}"`]));
    this.selectList = [...this.quoted.values()].join(', ');
    this.table = `"${metadata.tableName}"`;
  }

  /** A property's column, quoted. */
  column(property: keyof T & string): string {
    const name = this.quoted.get(property);
    if (name === undefined) throw new Error(`${this.table} has no column for ${property}`);
    return name;
  }

  /**
   * A statement text built once per `key` (a kind of read and its number of parameters: DataLoader
   * batches vary). Only keys of up to 64 parameters are kept, so the texts kept are bounded.
   */
  statement(key: string, count: number, build: () => string): string {
    const cacheKey = `${key}/${count}`;
    let sql = this.statements.get(cacheKey);
    if (sql === undefined) {
      sql = build();
      if (count <= 64) this.statements.set(cacheKey, sql);
    }
    return sql;
  }

  /** The select list with each column qualified by `alias`, or by the alias `from` names for that property, under its own name. */
  qualifiedList(alias: string, from: Partial<Record<keyof T & string, string>> = {}): string {
    return [...this.quoted].map(([property, name]) => `${from[property as keyof T & string] ?? alias}.${name} AS ${name}`).join(', ');
  }

  /** `count` placeholders, comma-separated, from the `first` parameter on. */
  params(count: number, first = 0): string {
    return Array.from({ length: count }, (_, i) => placeholder(this.dataSource, first + i)).join(', ');
  }

  hydrate(row: Row): T {
    const record = new this.entity();
    const driver = this.dataSource.driver;
    for (const column of this.columns) {
      const value = row[column.databaseName];
      (record as Row)[column.propertyName] = value === undefined ? null : driver.prepareHydratedValue(value, column);
    }
    return record;
  }
}

export class PaymentRowReader {
  /** The payment table as plain SQL (select list, columns, hydration). */
  readonly all: EntityRows<PaymentOrder>;
  /** Reads run through `db.select` (on SQLite, the read connection). */
  constructor(
    private readonly db: Database,
    /** Until when a record read now stays as read (recorded with each read, see ./read-notes.ts). */
    private readonly freshUntil?: FreshUntil,
  ) {
    this.all = new EntityRows(db.dataSource, PaymentOrder);
  }

  /** The records whose `cashiiId` is one of `cashiiIds` (unknown ids are simply absent). Recorded as the request's reads. */
  async findByCashiiIds(cashiiIds: readonly string[]): Promise<PaymentOrder[]> {
    const rows = await this.db.select(this.statement('cashiiId', cashiiIds.length), cashiiIds);
    // An id asked for and not found: nothing versions its absence.
    if (rows.length < new Set(cashiiIds).size) noteUntrackedRead();
    return this.recorded(rows.map((row) => this.all.hydrate(row)));
  }

  /** The records whose own id is one of `ids` (unknown ids are simply absent). Recorded as the request's reads. */
  async findByIds(ids: readonly string[]): Promise<PaymentOrder[]> {
    const records = await this.unrecordedByIds(ids);
    // An id asked for and not found: nothing versions its absence.
    if (records.length < new Set(ids).size) noteUntrackedRead();
    return this.recorded(records);
  }

  /** The same, not recorded as a read of the request (for comparing versions). */
  async unrecordedByIds(ids: readonly string[]): Promise<PaymentOrder[]> {
    const rows = await this.db.select(this.statement('id', ids.length), ids);
    return rows.map((row) => this.all.hydrate(row));
  }

  /** One record by its own id (the primary key), or null. Recorded as the request's read. */
  async findById(id: string): Promise<PaymentOrder | null> {
    const rows = await this.db.select(this.statement('id', 1), [id]);
    if (rows.length === 0) {
      noteUntrackedRead();
      return null;
    }
    return this.recorded([this.all.hydrate(rows[0])])[0];
  }

  private recorded(records: PaymentOrder[]): PaymentOrder[] {
    notePayments(records, this.freshUntil);
    return records;
  }

  /** One statement text per kind and number of ids, built once. */
  private statement(kind: 'cashiiId' | 'id', count: number): string {
    const t = this.all;
    return t.statement(kind, count, () => `SELECT ${t.selectList} FROM ${t.table} WHERE ${t.column(kind)} IN (${t.params(count)})`);
  }
}

/** One INSERT of every column of an entity, its text built once from TypeORM's metadata. */
export class RowInserter<T extends ObjectLiteral> {
  readonly columns: readonly ColumnMetadata[];
  readonly table: string;
  readonly sql: string;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
  ) {
    const metadata = dataSource.getMetadata(entity);
    this.columns = metadata.columns;
    this.table = metadata.tableName;
    const names = this.columns.map((column) => `"${column.databaseName}"`).join(', ');
    const params = this.columns.map((_, i) => placeholder(dataSource, i)).join(', ');
    this.sql = `INSERT INTO "${this.table}" (${names}) VALUES (${params})`;
  }

  /** Every column's value of `row` as the driver stores it; undefined is NULL. */
  values(row: T): unknown[] {
    const driver = this.dataSource.driver;
    return this.columns.map((column) => {
      const value = (row as Row)[column.propertyName];
      return value === undefined || value === null ? null : (driver.preparePersistentValue(value, column) as unknown);
    });
  }

  /** Inserts `row` as one of the write's statements. */
  async insert(statements: WriteStatements, row: T): Promise<void> {
    await statements.execute(this.sql, this.values(row));
  }
}

/**
 * One payment's columns written while its status is the one given: `UPDATE ... SET ... WHERE id = ?
 * AND status = ?`, its text built once per set of columns (they come from the code, a handful).
 * The confirmations with Cashii (every pending read, every reconciler check) write through it on
 * SQLite: TypeORM's update builder was most of their CPU. An undefined value is not written, as
 * with TypeORM; each value is converted as TypeORM would (the driver and the column's transformer).
 */
export class GuardedUpdate {
  private readonly table: string;
  private readonly columns: ReadonlyMap<string, ColumnMetadata>;
  private readonly texts = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {
    const metadata = dataSource.getMetadata(PaymentOrder);
    this.table = `"${metadata.tableName}"`;
    this.columns = new Map(metadata.columns.map((column) => [column.propertyName, column]));
  }

  /** Whether the row was updated (false: its status is no longer `status`, or it is missing). */
  async run(statements: WriteStatements, id: string, status: string, values: Readonly<Record<string, unknown>>): Promise<boolean> {
    const properties = Object.keys(values).filter((property) => values[property] !== undefined);
    if (properties.length === 0) throw new Error('an UPDATE writes at least one column');
    const driver = this.dataSource.driver;
    const params = properties.map((property) => {
      const value = values[property];
      return value === null ? null : (driver.preparePersistentValue(value, this.column(property)) as unknown);
    });
    params.push(id, status);
    return (await statements.execute(this.sqlFor(properties), params)) === 1;
  }

  private column(property: string): ColumnMetadata {
    const column = this.columns.get(property);
    if (column === undefined) throw new Error(`${this.table} has no column for ${property}`);
    return column;
  }

  private sqlFor(properties: readonly string[]): string {
    const key = properties.join(',');
    let sql = this.texts.get(key);
    if (sql === undefined) {
      const set = properties.map((property, i) => `"${this.column(property).databaseName}" = ${placeholder(this.dataSource, i)}`);
      const n = properties.length;
      sql =
        `UPDATE ${this.table} SET ${set.join(', ')} WHERE "${this.column('id').databaseName}" = ${placeholder(this.dataSource, n)}` +
        ` AND "${this.column('status').databaseName}" = ${placeholder(this.dataSource, n + 1)}`;
      // Bounded all the same: past 64 sets of columns, texts are built per call and not kept.
      if (this.texts.size < 64) this.texts.set(key, sql);
    }
    return sql;
  }
}

/** The states Cashii's id may be recorded from (create-lifecycle.ts): SENDING, UNKNOWN or FAILED. */
const OPEN_CREATES = createStepsInto(CreateState.CREATED);

/** The UPDATE that records Cashii's id on a record whose create is still open (SENDING, UNKNOWN or FAILED). */
export class CreatedIdUpdate {
  private readonly sql: string;
  private readonly set: readonly ColumnMetadata[];
  private readonly idColumn: ColumnMetadata;
  private readonly stateColumn: ColumnMetadata;
  private cteSql: string | null = null;

  constructor(private readonly dataSource: DataSource) {
    const metadata = dataSource.getMetadata(PaymentOrder);
    const column = (property: keyof PaymentOrder) => metadata.findColumnWithPropertyName(property)!;
    this.set = (['cashiiId', 'createState', 'updatedAt', 'verifiedAt', 'nextCheckAt'] as const).map(column);
    this.idColumn = column('id');
    this.stateColumn = column('createState');
    const assignments = this.set.map((c, i) => `"${c.databaseName}" = ${placeholder(dataSource, i)}`).join(', ');
    const n = this.set.length;
    this.sql =
      `UPDATE "${metadata.tableName}" SET ${assignments} WHERE "${this.idColumn.databaseName}" = ${placeholder(dataSource, n)}` +
      ` AND "${this.stateColumn.databaseName}" IN (${OPEN_CREATES.map((_state, k) => placeholder(dataSource, n + k + 1)).join(', ')})`;
  }

  /**
   * PostgreSQL only: the UPDATE and the first event's INSERT as one statement (a data-modifying
   * CTE, atomic without BEGIN/COMMIT): one round trip instead of four. Its rows are the inserted
   * event's id: one when the record was updated, none when it holds no open create.
   */
  withEvent(
    events: RowInserter<PaymentEventRecord>,
    id: string,
    values: Pick<PaymentOrder, 'cashiiId' | 'createState' | 'updatedAt' | 'verifiedAt' | 'nextCheckAt'>,
    event: PaymentEventRecord,
  ): [string, unknown[]] {
    const params = [...this.params(id, values), ...events.values(event)];
    if (this.cteSql === null) {
      const first = this.set.length + 1 + OPEN_CREATES.length;
      const names = events.columns.map((column) => `"${column.databaseName}"`).join(', ');
      // Typed placeholders: in INSERT ... SELECT, PostgreSQL cannot infer a parameter's type from the target column.
      const typed = events.columns.map((column, i) => `$${first + i + 1}::${String(column.type)}`).join(', ');
      this.cteSql = `WITH updated AS (${this.sql} RETURNING 1) INSERT INTO "${events.table}" (${names}) SELECT ${typed} FROM updated RETURNING 1`;
    }
    return [this.cteSql, params];
  }

  /** Whether the row was updated (false: the record holds no open create, or is missing). */
  async run(
    statements: WriteStatements,
    id: string,
    values: Pick<PaymentOrder, 'cashiiId' | 'createState' | 'updatedAt' | 'verifiedAt' | 'nextCheckAt'>,
  ): Promise<boolean> {
    return (await statements.execute(this.sql, this.params(id, values))) === 1;
  }

  private params(
    id: string,
    values: Pick<PaymentOrder, 'cashiiId' | 'createState' | 'updatedAt' | 'verifiedAt' | 'nextCheckAt'>,
  ): unknown[] {
    const driver = this.dataSource.driver;
    const params = this.set.map((column) => {
      const value = (values as Row)[column.propertyName];
      return value === null || value === undefined ? null : (driver.preparePersistentValue(value, column) as unknown);
    });
    params.push(id, ...OPEN_CREATES);
    return params;
  }
}

export function placeholder(dataSource: DataSource, index: number): string {
  return dataSource.options.type === 'postgres' ? `$${index + 1}` : '?';
}
