/**
 * SQLite commits writes in groups (Database.write): the writes queued in one turn share one
 * BEGIN IMMEDIATE ... COMMIT, each in its own savepoint. What must hold: one write's own failure
 * undoes only that write; a storage fault fails the whole group and nothing of it is stored; a
 * lock held by another process fails each write at its own deadline; and every write that
 * resolved is on disk after the database is closed and opened again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/data-source';
import { StorageUnavailableError } from '../../src/db/storage-fault';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';

const MODELS = { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS };

let dir: string;
let file: string;
let dataSource: DataSource;
let db: Database;

function open(): Promise<DataSource> {
  return openDatabase({ kind: 'sqlite', file }, MODELS);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-group-commit-'));
  file = path.join(dir, 'bff.sqlite');
  dataSource = await open();
  db = new Database(dataSource, { lockWaitMs: 300 });
  await db.write((m) => m.query('CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL)'));
});
afterEach(async () => {
  if (dataSource.isInitialized) await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

function insert(id: number, label = `item ${id}`): Promise<number> {
  return db.write(async (m) => {
    await m.query('INSERT INTO item (id, label) VALUES (?, ?)', [id, label]);
    return id;
  });
}

/** The ids stored in the file, read through a connection of its own after the app's is closed. */
async function storedAfterRestart(): Promise<number[]> {
  await dataSource.destroy();
  const outside = new Sqlite(file, { readonly: true });
  try {
    return (outside.prepare('SELECT id FROM item ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
  } finally {
    outside.close();
  }
}

function countCommits(): { readonly commits: number } {
  const handle = (dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
  const exec = handle.exec.bind(handle);
  const counter = { commits: 0 };
  jest.spyOn(handle, 'exec').mockImplementation((sql: string) => {
    if (sql === 'COMMIT') counter.commits++;
    return exec(sql);
  });
  return counter;
}

it('commits a burst of writes together, and a write that breaks a constraint fails alone', async () => {
  const counter = countCommits();
  const ids = Array.from({ length: 40 }, (_, i) => i + 1);
  const outcomes = await Promise.allSettled([...ids.map((id) => insert(id)), insert(7, 'a second row with id 7')]);

  expect(outcomes.slice(0, 40).every((o) => o.status === 'fulfilled')).toBe(true);
  const duplicate = outcomes[40];
  expect(duplicate.status).toBe('rejected');
  // Not a storage fault: the caller hears the constraint, and readiness is not touched.
  expect((duplicate as PromiseRejectedResult).reason).not.toBeInstanceOf(StorageUnavailableError);
  expect((duplicate as PromiseRejectedResult).reason.code).toMatch(/^SQLITE_CONSTRAINT/);
  expect(db.writable).toBe(true);
  // 41 writes queued in one turn: far fewer commits than writes.
  expect(counter.commits).toBeLessThanOrEqual(2);
  expect(await storedAfterRestart()).toEqual(ids);
});

it('fails the whole group on a storage fault: nothing of it is stored, and the next write commits', async () => {
  await insert(1);
  const fault = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const outcomes = await Promise.allSettled([
    insert(2),
    db.write(async (m) => {
      await m.query('INSERT INTO item (id, label) VALUES (3, ?)', ['written, then the disk filled']);
      throw fault;
    }),
    insert(4),
  ]);
  for (const outcome of outcomes) {
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
  }
  expect(db.writable).toBe(false); // readiness says so until a write commits again
  await insert(5);
  expect(db.writable).toBe(true);
  expect(await storedAfterRestart()).toEqual([1, 5]);
});

it('waits for a lock held by another process until each write’s own deadline, then fails it; later writes commit', async () => {
  // Time moves only when the test moves it (timers and Date; the group still starts on the next turn).
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  const outside = new Sqlite(file);
  try {
    outside.exec('BEGIN IMMEDIATE');
    const settled = new Map<number, unknown>();
    const track = (id: number) =>
      insert(id).then(
        () => settled.set(id, 'stored'),
        (error: unknown) => settled.set(id, error),
      );
    void track(1);
    await new Promise((resolve) => setImmediate(resolve)); // its group began and found the lock taken
    await jest.advanceTimersByTimeAsync(150);
    void track(2); // the next group: its own deadline, 150 ms after the first's
    await jest.advanceTimersByTimeAsync(149);
    expect(settled).toEqual(new Map());
    await jest.advanceTimersByTimeAsync(1);
    expect(settled.get(1)).toBeInstanceOf(StorageUnavailableError);
    expect(settled.has(2)).toBe(false); // not failed with the earlier one
    await jest.advanceTimersByTimeAsync(149);
    expect(settled.has(2)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(settled.get(2)).toBeInstanceOf(StorageUnavailableError);
    outside.exec('ROLLBACK');
  } finally {
    outside.close();
    jest.useRealTimers();
  }
  await insert(3);
  expect(await storedAfterRestart()).toEqual([3]);
});

describe('durability of a group', () => {
  /** `synchronous` on the write connection at each COMMIT (2 = FULL: waits for fsync; 1 = NORMAL: does not). */
  function synchronousAtCommits(): number[] {
    const handle = (dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
    const exec = handle.exec.bind(handle);
    const seen: number[] = [];
    jest.spyOn(handle, 'exec').mockImplementation((sql: string) => {
      if (sql === 'COMMIT') seen.push(handle.pragma('synchronous', { simple: true }) as number);
      return exec(sql);
    });
    return seen;
  }

  function insertBookkeeping(id: number): Promise<number> {
    return db.write(
      async (m) => {
        await m.query('INSERT INTO item (id, label) VALUES (?, ?)', [id, `bookkeeping ${id}`]);
        return id;
      },
      { durable: false },
    );
  }

  /** The ids an outside connection sees now (committed rows, on disk or not). */
  function committedIds(): number[] {
    const outside = new Sqlite(file, { readonly: true });
    try {
      return (outside.prepare('SELECT id FROM item ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);
    } finally {
      outside.close();
    }
  }

  /** The app's database opened again with a sync of files that the test holds and releases (or fails). */
  async function withHeldSyncs(): Promise<{ synced: string[]; release(error?: Error): void; waiting(): number }> {
    await dataSource.destroy();
    const held: Array<{ resolve(): void; reject(error: Error): void }> = [];
    const synced: string[] = [];
    dataSource = await open();
    db = new Database(dataSource, {
      lockWaitMs: 300,
      syncFile: (target) => {
        synced.push(target);
        // The folder's one sync is not held: only the WAL's are.
        if (target === dir) return Promise.resolve();
        return new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
      },
    });
    return {
      synced,
      waiting: () => held.length,
      release: (error) => {
        const next = held.shift();
        if (next === undefined) throw new Error('no sync is waiting');
        if (error) next.reject(error);
        else next.resolve();
      },
    };
  }

  /** A promise's state after the turns in flight have run. */
  async function settledState(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
    let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
    promise.then(
      () => (state = 'fulfilled'),
      () => (state = 'rejected'),
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    return state;
  }

  it('commits every group with synchronous NORMAL: no COMMIT waits for the disk on the event loop', async () => {
    const seen = synchronousAtCommits();
    await Promise.all([insertBookkeeping(1), insertBookkeeping(2)]);
    await Promise.all([insertBookkeeping(3), insert(4), insertBookkeeping(5)]);
    await insert(6);
    await insertBookkeeping(7);
    expect(seen).toEqual([1, 1, 1, 1]);
    // Atomic and kept across a process's restart all the same.
    expect(await storedAfterRestart()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('answers a durable write only once a sync of the WAL that started after its COMMIT has finished; bookkeeping at once', async () => {
    const syncs = await withHeldSyncs();
    const durable = insert(1);
    const bookkeeping = insertBookkeeping(2);
    expect(await bookkeeping).toBe(2);
    // Committed (another connection sees it), answered only after the disk has it.
    expect(committedIds()).toEqual([1, 2]);
    expect(await settledState(durable)).toBe('pending');
    expect(syncs.synced).toEqual([`${file}-wal`]);
    syncs.release();
    expect(await durable).toBe(1);
    // The WAL's directory entry is synced once, after its first sync.
    expect(syncs.synced).toEqual([`${file}-wal`, dir]);

    // A group of bookkeeping alone waits for no sync.
    await insertBookkeeping(3);
    expect(syncs.synced).toHaveLength(2);
  });

  it('lets the writes committed during a sync share the next one, which starts when it ends', async () => {
    const syncs = await withHeldSyncs();
    const first = insert(1);
    await settledState(first);
    expect(syncs.waiting()).toBe(1);
    // Two more groups commit while the first sync runs: it may have started before their frames were written.
    const second = insert(2);
    await settledState(second);
    const third = insert(3);
    expect(await settledState(third)).toBe('pending');
    expect(syncs.waiting()).toBe(1);
    syncs.release();
    expect(await first).toBe(1);
    expect(await settledState(second)).toBe('pending');
    // One sync for both, started after the first ended.
    expect(syncs.waiting()).toBe(1);
    syncs.release();
    expect(await Promise.all([second, third])).toEqual([2, 3]);
    expect(syncs.synced.filter((target) => target !== dir)).toHaveLength(2);
  });

  it('fails the durable writes of a failed sync with STORAGE_UNAVAILABLE (outcome unknown); readiness says so until a write is synced again', async () => {
    const syncs = await withHeldSyncs();
    const durable = insert(1);
    const bookkeeping = insertBookkeeping(2);
    expect(await bookkeeping).toBe(2);
    await settledState(durable);
    syncs.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const failure = await durable.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as StorageUnavailableError).reason).toBe('SQLITE_IOERR_FSYNC_EIO');
    // The system's error is kept for the logs, never in what the client is told.
    expect((failure as StorageUnavailableError).cause).toMatchObject({ code: 'EIO' });
    expect((failure as StorageUnavailableError).message).not.toContain('fdatasync');
    expect(db.writable).toBe(false);
    expect(await db.storageState()).toMatchObject({ writable: false, reason: 'SQLITE_IOERR_FSYNC_EIO' });

    const next = insert(3);
    await settledState(next);
    syncs.release();
    expect(await next).toBe(3);
    expect(db.writable).toBe(true);
  });

  it('syncs the real WAL file by default, through one descriptor kept between syncs, and a durable write survives a restart', async () => {
    // A connection of its own, with no sync before the spies.
    await dataSource.destroy();
    dataSource = await open();
    db = new Database(dataSource, { lockWaitMs: 300 });
    const opened = jest.spyOn(fs, 'open');
    const synced = jest.spyOn(fs, 'fdatasync');
    await insert(1);
    await insert(2);
    const walOpens = opened.mock.calls.filter(([target]) => target === `${file}-wal`);
    expect(walOpens).toHaveLength(1);
    // Two syncs of the WAL, one of its folder.
    expect(synced).toHaveBeenCalledTimes(3);
    expect(await storedAfterRestart()).toEqual([1, 2]);
  });
});
