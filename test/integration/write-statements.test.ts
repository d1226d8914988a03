/**
 * Writes get statements, not an EntityManager (src/db/write-statements.ts). What must hold: a write
 * callback cannot begin, commit or roll back (TypeORM's `save()` used to open a transaction inside
 * the group's BEGIN IMMEDIATE and fail the whole group as a storage fault); a misused write fails alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { Database, type WriteStatements } from '../../src/db/database';
import { openDatabase } from '../../src/db/data-source';
import { StorageUnavailableError } from '../../src/db/storage-fault';
import { WriteMisuseError } from '../../src/db/write-statements';
import { MerchantOrder } from '../../src/payments/store/order-entity';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';

const MODELS = { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS };

let dir: string;
let dataSource: DataSource;
let db: Database;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-write-statements-'));
  dataSource = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'bff.sqlite') }, MODELS);
  db = new Database(dataSource, { lockWaitMs: 300 });
});
afterEach(async () => {
  if (dataSource.isInitialized) await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

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
