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

  it('commits a group of only non-durable writes with synchronous NORMAL (no fsync in WAL mode), and with FULL as soon as one durable write is in it', async () => {
    const seen = synchronousAtCommits();
    await Promise.all([insertBookkeeping(1), insertBookkeeping(2)]);
    await Promise.all([insertBookkeeping(3), insert(4), insertBookkeeping(5)]);
    await insert(6);
    await insertBookkeeping(7);
    expect(seen).toEqual([1, 2, 2, 1]);
    // Atomic and kept across a process's restart all the same.
    expect(await storedAfterRestart()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('opens with FULL: a durable write waits for fsync before anything else was written', async () => {
    const seen = synchronousAtCommits();
    await insert(1);
    expect(seen).toEqual([2]);
  });
});
