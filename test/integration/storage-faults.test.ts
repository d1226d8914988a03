/**
 * Storage faults under load, against the BFF as a child process: a full disk, a WAL that cannot be
 * written, a lock held by another process, PostgreSQL refusing and killing connections. After
 * each, with a restart in between: every create answered with an id is stored and readable, no
 * idempotency key led to two Cashii creates, no Cashii payment is orphaned, nothing is left
 * SENDING, /readyz went 503 during the fault and 200 after, and /livez kept answering.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/data-source';
import { StorageUnavailableError } from '../../src/db/storage-fault';
import { createLogger } from '../../src/logger';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';
import { POSTGRES_SKIP_REASON, POSTGRES_URL, type TestDatabase, createTestDatabase } from '../support/database';
import { postGraphQL, spawnServer } from '../support/server-process';
import { READ, TEST_CASHII_KEY, cashiiEnv } from '../support/stack';
import {
  type Fault,
  type LoadReport,
  cashiiCreatesByKey,
  runStorageFault,
  saveReport,
  sleep,
  storedCreates,
} from '../support/storage-load';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';

jest.setTimeout(120_000);

const ROOT = process.getuid?.() === 0;
const NOT_ROOT = 'skipped: mounting a small tmpfs needs root (CI runs as root)';
const HAS_PRLIMIT = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let simulator: RunningSimulator;
let workDir: string;

beforeEach(async () => {
  simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
  // A little Cashii latency widens the window between "Cashii created it" and "we recorded it".
  simulator.state.latencyMs = 20;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-storage-'));
});
afterEach(async () => {
  await simulator.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

function bffEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    CREATE_JOURNAL_FILE: path.join(workDir, 'cashii-created.journal'),
    ...cashiiEnv(simulator),
    CASHII_TIMEOUT_MS: '5000',
    RATE_LIMIT_CREATE_PER_VIEWER: '1000000',
    RATE_LIMIT_CREATE_PER_ADDRESS: '1000000',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** What must hold after any storage fault, checked after a restart on the same database. */
async function expectNothingLost(report: LoadReport, env: Record<string, string>): Promise<void> {
  saveReport(report, { cashiiCreates: simulator.state.stats.create });
  expect(report.exitCode).toBe(0);
  expect(report.created.before).toBeGreaterThan(0);
  // The fault was visible to clients as a coded, retryable error, never as a fake success.
  const faultErrors = Object.keys(report.errors.fault);
  expect(faultErrors.filter((code) => code !== 'STORAGE_UNAVAILABLE')).toEqual([]);
  expect(report.readyz.fault[503] ?? 0).toBeGreaterThan(0);
  expect(report.readyAgainMs).not.toBeNull();
  // Once the fault is gone, a retry with the same key gets its payment.
  expect(report.retryErrors).toEqual({});

  const restarted = spawnServer(env);
  try {
    const url = await restarted.ready();
    const stored = await storedCreates(env.DATABASE_URL);
    expect(stored.filter((row) => row.createState !== 'CREATED')).toEqual([]);
    const storedByKey = new Map(stored.map((row) => [row.idempotencyKey, row.cashiiId]));
    const missing = [...report.answered].filter(([key, id]) => storedByKey.get(key) !== id);
    expect(missing).toEqual([]);
    // Each answered payment reads back through the API after the restart (a sample keeps it quick).
    const answered = [...report.answered.values()];
    for (const id of answered.filter((_, index) => index % Math.ceil(answered.length / 25) === 0)) {
      const read = await postGraphQL(url, READ, { id });
      expect(read.body.data?.payment?.id).toBe(id);
    }
    // One key, at most one Cashii payment; and every Cashii payment is recorded (no orphan).
    const byKey = cashiiCreatesByKey(simulator);
    expect([...byKey].filter(([, ids]) => ids.length > 1)).toEqual([]);
    const storedIds = new Set(stored.map((row) => row.cashiiId));
    expect([...simulator.state.payments.keys()].filter((id) => !storedIds.has(id))).toEqual([]);
  } finally {
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }
}

/** The lines of a run's server log (kept by runStorageFault) that contain `text`. */
function serverLogLines(faultName: string, text: string): string[] {
  const file = path.join(__dirname, '..', '..', 'test-artifacts', 'storage-faults', `${faultName}.server.log`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(text));
}

describe('a storage fault episode on SQLite', () => {
  it('writes that fail and commit by turns log one error line and, once they commit steadily, one warning', async () => {
    const file = path.join(workDir, 'episode.sqlite');
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const dataSource = await openDatabase({ kind: 'sqlite', file }, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
    try {
      const db = new Database(dataSource, { lockWaitMs: 50, log: createLogger('info', sink) });
      const lines = (text: string) => logs.filter((line) => line.includes(text));
      // Five times: another process holds the lock (the write fails), lets go (the next one commits).
      for (let turn = 0; turn < 5; turn++) {
        const holder = new Sqlite(file, { timeout: 5000 });
        holder.exec('BEGIN EXCLUSIVE');
        await expect(db.probe()).rejects.toBeInstanceOf(StorageUnavailableError);
        holder.exec('COMMIT');
        holder.close();
        await db.probe();
        expect((await db.storageState()).writable).toBe(true);
      }
      expect(lines('database writes are failing')).toHaveLength(1);
      // The episode ends once writes have committed for a while with no failure (a timer, not traffic).
      for (let i = 0; i < 100 && lines('database writes commit again').length === 0; i++) await sleep(100);
      expect(lines('database writes commit again')).toHaveLength(1);
      expect(JSON.parse(lines('database writes commit again')[0])).toMatchObject({ failures: 5 });
    } finally {
      await dataSource.destroy();
    }
  });
});

describe('storage faults on SQLite', () => {
  (ROOT ? it : it.skip)(`a full disk for 3 s loses nothing that was acknowledged${ROOT ? '' : ` (${NOT_ROOT})`}`, async () => {
    const mount = path.join(workDir, 'disk');
    fs.mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    try {
      const filler = path.join(mount, 'filler');
      // The journal sits on the same full disk here: the worst case, where only memory holds an id for a while.
      const env = bffEnv(`sqlite:${path.join(mount, 'bff.sqlite')}`, { CREATE_JOURNAL_FILE: path.join(mount, 'journal') });
      const fault: Fault = {
        name: 'sqlite-disk-full',
        durationMs: 3000,
        start: () => fillDisk(filler),
        stop: () => fs.rmSync(filler, { force: true }),
      };
      const report = await runStorageFault(env, fault);
      expect(report.errors.fault.STORAGE_UNAVAILABLE ?? 0).toBeGreaterThan(0);
      // One episode, one error line (writes that fail and commit by turns on a nearly full disk included).
      expect(serverLogLines(fault.name, 'database writes are failing')).toHaveLength(1);
      await expectNothingLost(report, env);
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });

  (HAS_PRLIMIT ? it : it.skip)(
    `a WAL that cannot be written for 3 s (file size limit) loses nothing that was acknowledged${HAS_PRLIMIT ? '' : ' (skipped: prlimit is not installed)'}`,
    async () => {
      const env = bffEnv(`sqlite:${path.join(workDir, 'bff.sqlite')}`);
      const limit = (pid: number, value: string) => execFileSync('prlimit', ['--pid', String(pid), `--fsize=${value}`]);
      const fault: Fault = {
        name: 'sqlite-wal-unwritable',
        durationMs: 3000,
        // Every write past the first byte of any file fails with EFBIG: the WAL cannot take a frame.
        // Only the soft limit moves (lowering the hard one could not be undone without CAP_SYS_RESOURCE).
        start: (server) => void limit(server.child.pid!, '1:'),
        stop: (server) => void limit(server.child.pid!, 'unlimited:'),
      };
      const report = await runStorageFault(env, fault);
      expect(report.errors.fault.STORAGE_UNAVAILABLE ?? 0).toBeGreaterThan(0);
      await expectNothingLost(report, env);
    },
  );

  it('a lock held by another process for 10 s never freezes the process', async () => {
    const file = path.join(workDir, 'bff.sqlite');
    const env = bffEnv(`sqlite:${file}`);
    let holder: Sqlite.Database | null = null;
    const fault: Fault = {
      name: 'sqlite-outside-lock',
      durationMs: 10_000,
      start: () => {
        holder = new Sqlite(file, { timeout: 5000 });
        holder.exec('BEGIN EXCLUSIVE');
      },
      stop: () => {
        holder?.exec('COMMIT');
        holder?.close();
      },
    };
    const report = await runStorageFault(env, fault);
    expect(report.errors.fault.STORAGE_UNAVAILABLE ?? 0).toBeGreaterThan(0);
    // Never frozen: /livez kept answering while the lock was held (a frozen process answers nothing
    // until it lets go). How fast it answered is the bench's to measure, not a test's.
    expect(report.livezAnswered.fault).toBeGreaterThan(5);
    // Cashii calls in flight were not starved into false timeouts.
    expect(report.errors.fault.UPSTREAM_UNAVAILABLE).toBeUndefined();
    await expectNothingLost(report, env);
  });
});

(POSTGRES_URL ? describe : describe.skip)(`storage faults on PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(POSTGRES_URL!).port || 5432));
  });
  afterEach(async () => {
    await proxy.close();
    await database.drop();
  });

  /** The test database's URL through the proxy. */
  const proxied = () => {
    const url = new URL(database.url);
    url.host = `127.0.0.1:${proxy.port}`;
    return url.toString();
  };

  it('connections refused (and cut) for 5 s lose nothing and send no second create', async () => {
    const env = bffEnv(proxied());
    const fault: Fault = { name: 'postgres-refused', durationMs: 5000, start: () => proxy.refuse(), stop: () => proxy.accept() };
    const report = await runStorageFault(env, fault);
    expect(report.errors.fault.STORAGE_UNAVAILABLE ?? 0).toBeGreaterThan(0);
    await expectNothingLost(report, env);
  });

  it('connections killed again and again (pg_terminate_backend) for 3 s lose nothing', async () => {
    const env = bffEnv(database.url);
    const name = new URL(database.url).pathname.slice(1);
    let killing = false;
    let killer: Promise<void> = Promise.resolve();
    const fault: Fault = {
      name: 'postgres-killed',
      durationMs: 3000,
      start: () => {
        killing = true;
        killer = (async () => {
          const admin = new Client({ connectionString: POSTGRES_URL });
          await admin.connect();
          try {
            while (killing) {
              await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
                name,
              ]);
              await sleep(40);
            }
          } finally {
            await admin.end();
          }
        })();
      },
      stop: async () => {
        killing = false;
        await killer;
      },
    };
    const report = await runStorageFault(env, fault);
    await expectNothingLost(report, env);
  });
});

/** Writes zeros until the file system says it is full, down to its last page. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      try {
        for (let i = 0; i < 100_000; i++) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
