/**
 * Writes get statements, not an EntityManager; reads on a SQLite file run on a connection of their
 * own (src/db/write-statements.ts, src/db/data-source.ts). What must hold: a write callback cannot
 * begin, commit or roll back (TypeORM's `save()` used to open a transaction inside the group's
 * BEGIN IMMEDIATE and fail the whole group as a storage fault); a misused write fails alone; and a
 * read issued while a group is open sees none of its rows until its COMMIT, then all of them.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { type DataSource, QueryFailedError } from 'typeorm';
import { Database, type WriteStatements } from '../../src/db/database';
import { openDatabase, readSourceOf } from '../../src/db/data-source';
import { StorageUnavailableError } from '../../src/db/storage-fault';
import { WriteMisuseError } from '../../src/db/write-statements';
import { MerchantOrder } from '../../src/payments/store/order-entity';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import { record } from '../fixtures/payment-fakes';

const MODELS = { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS };

let dir: string;
let dataSource: DataSource;
let db: Database;
let payments: PaymentRepository;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-write-statements-'));
  dataSource = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'bff.sqlite') }, MODELS);
  db = new Database(dataSource, { lockWaitMs: 300 });
  payments = new PaymentRepository(db);
});
afterEach(async () => {
  if (dataSource.isInitialized) await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

function fresh(): PaymentOrder {
  return record({ id: randomUUID(), cashiiId: String(Math.floor(Math.random() * 1e15) + 1e15), idempotencyKey: `key-${randomUUID()}` });
}

function order(id: string): Partial<MerchantOrder> {
  const at = new Date();
  return { id, ownerId: 'user-a', orderId: id, orderKey: id, activePaymentId: null, paidPaymentId: null, createdAt: at, updatedAt: at };
}

const orderIds = async () => (await db.reader.find(MerchantOrder, { order: { orderId: 'ASC' } })).map((row) => row.orderId);

/** Three writes queued in one turn (one group): the middle one runs `misuse`; the others insert an order each. */
async function groupAround(misuse: (w: WriteStatements) => Promise<unknown>): Promise<PromiseSettledResult<unknown>[]> {
  const outcomes = await Promise.allSettled([
    db.write((w) => w.insert(MerchantOrder, order('before'))),
    db.write(async (w) => {
      await w.insert(MerchantOrder, order('misused'));
      return misuse(w);
    }),
    db.write((w) => w.insert(MerchantOrder, order('after'))),
  ]);
  return outcomes;
}

function expectFailedAlone(outcomes: PromiseSettledResult<unknown>[]): unknown {
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const reason = (outcomes[1] as PromiseRejectedResult).reason as unknown;
  // Not a storage fault: the caller hears its own mistake, and readiness is not touched.
  expect(reason).not.toBeInstanceOf(StorageUnavailableError);
  expect(db.writable).toBe(true);
  return reason;
}

describe('a write callback gets statements, not an EntityManager', () => {
  it('has no save(): a write that calls it fails alone, the rest of its group commits and readiness stays up', async () => {
    const outcomes = await groupAround((w) =>
      // @ts-expect-error WriteStatements has no save(): TypeORM's save opens its own transaction.
      w.save(MerchantOrder, order('saved')),
    );
    expectFailedAlone(outcomes);
    expect((await db.storageState()).writable).toBe(true);
    expect(await orderIds()).toEqual(['after', 'before']);
  });

  it('has no transaction() either', async () => {
    const outcomes = await groupAround((w) =>
      // @ts-expect-error WriteStatements cannot start a transaction: the Database owns it.
      w.transaction(() => Promise.resolve()),
    );
    expectFailedAlone(outcomes);
    expect(await orderIds()).toEqual(['after', 'before']);
  });

  it.each(['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT mine', 'RELEASE write', 'END', 'PRAGMA journal_mode = DELETE', '/* sneaky */ commit'])(
    'refuses the statement %s before it reaches the database; only that write fails',
    async (sql) => {
      const handle = (dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
      const exec = jest.spyOn(handle, 'prepare');
      const outcomes = await groupAround((w) => w.execute(sql));
      expect(expectFailedAlone(outcomes)).toBeInstanceOf(WriteMisuseError);
      expect(exec.mock.calls.map(([text]) => text)).not.toContain(sql);
      expect(await orderIds()).toEqual(['after', 'before']);
      expect(handle.pragma('journal_mode', { simple: true })).toBe('wal');
    },
  );

  it('refuses a statement issued after its write ended (a promise the callback did not await)', async () => {
    let kept: WriteStatements | null = null;
    await db.write(async (w) => {
      kept = w;
      await w.insert(MerchantOrder, order('inside'));
    });
    await expect(kept!.insert(MerchantOrder, order('late'))).rejects.toBeInstanceOf(WriteMisuseError);
    await expect(kept!.execute('DELETE FROM merchant_orders')).rejects.toBeInstanceOf(WriteMisuseError);
    expect(await orderIds()).toEqual(['inside']);
  });

  it('refuses an UPDATE without a condition', async () => {
    await db.write((w) => w.insert(MerchantOrder, order('one')));
    await expect(db.write((w) => w.update(MerchantOrder, {}, { paidPaymentId: 'x' }))).rejects.toBeInstanceOf(WriteMisuseError);
    expect((await db.reader.findOneByOrFail(MerchantOrder, { orderId: 'one' })).paidPaymentId).toBeNull();
  });
});

describe('reads on SQLite run on a connection of their own', () => {
  it("a read issued while a group is open does not see that group's rows; after its COMMIT it sees them all", async () => {
    const first = fresh();
    const held = fresh();
    const handle = (dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inGroup = new Promise<void>((resolve) => (entered = resolve));
    // Queued in one turn: the repository's insert and a write that holds the group open after its own insert.
    const writes = Promise.all([
      payments.insert(first),
      db.write(async (w) => {
        await w.insert(PaymentOrder, held);
        entered();
        await gate;
      }),
    ]);
    await inGroup;
    expect(handle.inTransaction).toBe(true); // between BEGIN IMMEDIATE and COMMIT, both rows written

    // Every kind of read the repositories make: plain SQL, finders, the query builder.
    expect(await payments.findById(first.id)).toBeNull();
    expect(await payments.findByIds([first.id, held.id])).toEqual([]);
    expect(await payments.findByCashiiIds([first.cashiiId!, held.cashiiId!])).toEqual([]);
    expect(await payments.findByIdempotencyKey(held.ownerId, held.idempotencyKey!)).toBeNull();
    expect(await payments.listForOwner(held.ownerId, 10, null, null)).toEqual([]);
    expect(await db.reader.count(PaymentOrder)).toBe(0);

    release();
    await writes;
    expect(handle.inTransaction).toBe(false);
    expect((await payments.findById(first.id))?.cashiiId).toBe(first.cashiiId);
    expect((await payments.findByIdempotencyKey(held.ownerId, held.idempotencyKey!))?.id).toBe(held.id);
    expect((await payments.findByIds([first.id, held.id])).map((row) => row.id).sort()).toEqual([first.id, held.id].sort());
    expect(await db.reader.count(PaymentOrder)).toBe(2);
  });

  it('a group that fails leaves nothing for reads to see, before or after', async () => {
    const doomed = fresh();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inGroup = new Promise<void>((resolve) => (entered = resolve));
    const write = db.write(async (w) => {
      await w.insert(PaymentOrder, doomed);
      entered();
      await gate;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    await inGroup;
    expect(await payments.findById(doomed.id)).toBeNull();
    release();
    await expect(write).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await payments.findById(doomed.id)).toBeNull();
  });

  it('the read connection is read-only, and closes with the DataSource', async () => {
    const reads = readSourceOf(dataSource);
    expect(reads).not.toBe(dataSource);
    await expect(db.reader.query(`DELETE FROM payment_orders`)).rejects.toMatchObject({ driverError: { code: 'SQLITE_READONLY' } });
    await dataSource.destroy();
    expect(reads.isInitialized).toBe(false);
  });

  it('select runs on the read connection, prepares a statement once, shows it to the logger, and wraps a driver error as TypeORM does', async () => {
    const row = fresh();
    await payments.insert(row);
    const reads = readSourceOf(dataSource);
    const seen: string[] = [];
    const logQuery = reads.logger.logQuery.bind(reads.logger);
    reads.logger.logQuery = (sql, params, runner) => {
      seen.push(sql);
      return logQuery(sql, params, runner);
    };
    const handle = (reads.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
    const prepare = jest.spyOn(handle, 'prepare');
    try {
      const sql = 'SELECT "id" FROM "payment_orders" WHERE "id" = ?';
      expect(await db.select(sql, [row.id])).toEqual([{ id: row.id }]);
      expect(await db.select(sql, ['no-such-id'])).toEqual([]);
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(seen.filter((text) => text === sql)).toHaveLength(2);
      // A driver error reaches the caller inside TypeORM's wrapper, with the driver's code (what storage faults are read from).
      const failure = db.select('SELECT "id" FROM "no_such_table"');
      await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
      await expect(failure).rejects.toMatchObject({ driverError: { code: 'SQLITE_ERROR' } });
    } finally {
      prepare.mockRestore();
      reads.logger.logQuery = logQuery;
    }
  });

  it("both connections' page caches are bounded by the setting (DATABASE_CACHE_BYTES), 2 MiB each by default", async () => {
    const cacheOf = async (source: DataSource): Promise<number> =>
      Number((await source.query<Array<{ cache_size: number }>>('PRAGMA cache_size'))[0].cache_size);
    // Negative: KiB. better-sqlite3's own build default is -16000.
    expect(await cacheOf(dataSource)).toBe(-2048);
    expect(await cacheOf(readSourceOf(dataSource))).toBe(-2048);
    const small = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'small.sqlite') }, MODELS, { cacheBytes: 1024 * 1024 });
    try {
      expect(await cacheOf(small)).toBe(-1024);
      expect(await cacheOf(readSourceOf(small))).toBe(-1024);
    } finally {
      await small.destroy();
    }
  });

  it('an in-memory database has one connection for reads and writes (it cannot be opened twice)', async () => {
    const memory = await openDatabase({ kind: 'sqlite', file: ':memory:' }, MODELS);
    try {
      expect(readSourceOf(memory)).toBe(memory);
      const inMemory = new PaymentRepository(new Database(memory));
      const row = fresh();
      await inMemory.insert(row);
      expect((await inMemory.findById(row.id))?.id).toBe(row.id);
    } finally {
      await memory.destroy();
    }
  });
});
