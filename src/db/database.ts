/**
 * Write access to the database, owning each transaction's BEGIN, COMMIT and ROLLBACK.
 *
 * A write callback receives `WriteStatements` (write-statements.ts), not an EntityManager: INSERT,
 * conditional UPDATE, a row read or claimed inside the transaction, the repository's own SQL. It
 * cannot begin, commit or roll back (TypeORM's `save()` would open a transaction of its own, which
 * inside a group's BEGIN IMMEDIATE failed the whole group as a storage fault).
 *
 * Reads (`reader`) run on their own connection on a SQLite file (a second, read-only connection in
 * WAL mode, opened by `openDatabase`): they see what is committed, never a group's rows before its
 * COMMIT. On PostgreSQL they use the pool; an in-memory SQLite database has one connection for both.
 *
 * TypeORM's transaction bookkeeping cannot be trusted once a COMMIT has failed (TypeORM 1.1.1 keeps
 * its depth and swallows the ROLLBACK error, so every later write becomes a SAVEPOINT inside a
 * transaction that never commits). So on SQLite this class issues BEGIN/COMMIT/ROLLBACK itself on
 * better-sqlite3's handle and asks that handle (`inTransaction`) for the real state before and
 * after every write; on PostgreSQL each write gets its own pooled connection, and a connection
 * whose COMMIT or ROLLBACK failed is destroyed instead of going back to the pool.
 *
 * better-sqlite3 is synchronous: waiting for a lock inside SQLite would stop the event loop. The
 * connection's busy_timeout stays tiny, and a write that finds the database locked retries with
 * timers until `lockWaitMs`, then fails with STORAGE_UNAVAILABLE.
 *
 * SQLite commits in groups: every write queued in one turn of the event loop (or while the group
 * before it ran) joins one BEGIN IMMEDIATE ... COMMIT, each inside a SAVEPOINT of its own, so a
 * burst of creates costs one COMMIT (and one sync of the WAL, below) instead of one each. A write whose own work
 * fails rolls back to its savepoint and fails alone; a storage fault or a failed COMMIT fails the
 * whole group (nothing in it was committed). Each write still resolves only after the COMMIT.
 *
 * Most writes are durable across power loss; a write given `{ durable: false }` is bookkeeping that
 * Cashii or the schedule gives again (a confirmation that changed no status, the reconciler's next
 * check, its lease). On a SQLite file every group commits with `synchronous = NORMAL` (in WAL mode
 * still atomic, and it survives a process crash), so no COMMIT waits for the disk on the event loop;
 * bookkeeping is answered at once, and a durable write only once an fdatasync of the WAL, started
 * after its COMMIT and run on libuv's thread pool, has finished (./wal-sync.ts; a failed sync fails
 * its writes with STORAGE_UNAVAILABLE, their outcome unknown as after a failed COMMIT). Durable
 * COMMITs with `synchronous = FULL` held the event loop for 15 % of the time at 100 creates/s
 * (BENCHMARKS.md, session 12). What the caller is told, and anything it does next (a create calls
 * Cashii only after its record is written), still waits for the disk; other requests may read a
 * durable write's rows during its sync, a fraction of a millisecond before they are on disk.
 * PostgreSQL commits every write alike.
 *
 * Every storage fault marks the database as failing (readiness answers 503 with the reason) until
 * a write commits again. The log tells of episodes, not of writes: one error line when writes start
 * failing, one warning once they have committed for `EPISODE_QUIET_MS` without a failure (writes
 * that fail and succeed by turns, as on a nearly full disk, stay one episode).
 */
import { noteUntrackedRead } from '../observability/request-scope';
import { sleep } from '../common/clock';
import type BetterSqlite3 from 'better-sqlite3';
import { type DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import type { Logger } from '../logger';
import { readSourceOf } from './data-source';
import { StorageUnavailableError, isStorageFault, storageFaultCode } from './storage-fault';
import { type SyncFile, WalSync } from './wal-sync';
import { type Row, type WriteStatements, openStatements } from './write-statements';

export type { WriteStatements } from './write-statements';

export interface DatabaseOptions {
  /** A write waits this long in all for a lock held elsewhere, then fails. */
  lockWaitMs: number;
  /** SQLite file: how the WAL is synced after a COMMIT (./wal-sync.ts; a test puts a slow or failing one). */
  syncFile?: SyncFile;
  log?: Logger;
  /** Called on every write that could not commit, with the fault's code. */
  onCommitFailure?: (reason: string) => void;
}

export interface WriteOptions {
  /**
   * False for bookkeeping that is given again if lost (a confirmation that changed no status, a
   * schedule): on SQLite, a group of only such writes commits without waiting for fsync. Default true.
   */
  durable?: boolean;
}

export interface StorageState {
  writable: boolean;
  /** What fails: the database's writes, or a store added with `addWriteDependency` (the create journal). */
  failing?: 'database' | 'dependency';
  /** Why writes fail (the driver's code, or the dependency's own words), while they do. */
  reason?: string;
  since?: string;
}

/** State shared by every Database object over one DataSource (tests wrap the app's DataSource again). */
interface Shared {
  /** SQLite writes waiting for the next group commit. */
  pending: QueuedWrite[];
  /** Whether a group is scheduled or running (it takes what is pending when it starts). */
  draining: boolean;
  /** Since the last write failed, until one commits (what readiness reports). */
  failing: { reason: string; since: Date } | null;
  /** From the first failure until writes have committed for EPISODE_QUIET_MS without one (what the log reports). */
  episode: { reason: string; since: Date; lastFailure: number; failures: number; timer: NodeJS.Timeout | null } | null;
  lastProbe: number;
  /** When a write last committed (readiness probes a write when none has for a while). */
  lastCommit: number;
  /** Other stores every payment write depends on (the create journal): each names its problem, or null. */
  checks: Array<() => string | null>;
  options: DatabaseOptions;
  /** SQLite: the stores' SELECTs, prepared once on the read connection (`selectsOn`). */
  selects: Map<string, BetterSqlite3.Statement>;
  selectsOn: BetterSqlite3.Database | null;
  /** SQLite file: the syncs of its WAL that durable writes wait for, for one write connection (in memory: none). */
  walSync: { handle: BetterSqlite3.Database; syncs: WalSync | null } | null;
}

const shared = new WeakMap<DataSource, Shared>();

/** A failed sync of the WAL, named for logs as SQLite names I/O faults (the system's code kept: SQLITE_IOERR_FSYNC_EIO). */
function walSyncFaultCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? `SQLITE_IOERR_FSYNC_${code}` : 'SQLITE_IOERR_FSYNC';
}

/** A readiness probe runs a real write at most this often while writes are failing. */
const PROBE_INTERVAL_MS = 1000;
/**
 * Readiness probes with a real write when none has committed for this long: a database that turned
 * read-only (it still answers reads) or refuses connections is found without traffic.
 */
const IDLE_PROBE_MS = 1000;
/** A failure episode ends (one warning) once writes have committed this long without a failure. */
export const EPISODE_QUIET_MS = 2000;
const LOCK_RETRY_MAX_MS = 50;
/** At most this many writes share one SQLite commit (the rest start the next group at once). */
const MAX_GROUP = 128;
/** Prepared SELECTs kept per read connection (the stores use a few dozen texts). */
const MAX_PREPARED_SELECTS = 256;

interface QueuedWrite {
  work: (statements: WriteStatements) => Promise<unknown>;
  durable: boolean;
  deadline: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class Database {
  private readonly serial: boolean;
  private readonly state: Shared;

  constructor(
    readonly dataSource: DataSource,
    options: DatabaseOptions = { lockWaitMs: 500 },
  ) {
    this.serial = dataSource.options.type === 'better-sqlite3';
    let state = shared.get(dataSource);
    if (!state) {
      state = {
        pending: [],
        draining: false,
        failing: null,
        episode: null,
        lastProbe: 0,
        lastCommit: Date.now(),
        checks: [],
        options,
        selects: new Map(),
        selectsOn: null,
        walSync: null,
      };
      shared.set(dataSource, state);
    }
    this.state = state;
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.serial ? 'sqlite' : 'postgres';
  }

  /**
   * The manager for reads (never for writes: use `write`). On a SQLite file it is the read-only
   * connection's: it sees only committed rows, never those of a group still open.
   */
  get reader(): EntityManager {
    // What is read through here is not versioned for the request: its answer cannot be kept.
    noteUntrackedRead();
    return readSourceOf(this.dataSource).manager;
  }

  /**
   * The same manager, for a store that records each record it reads for the request itself
   * (`noteRead`, src/observability/request-scope.ts): answers built from such reads may be kept
   * while those versions hold.
   */
  get trackedReader(): EntityManager {
    return readSourceOf(this.dataSource).manager;
  }

  /**
   * One SELECT of the stores' own SQL on the read connection, for a store that records what it reads
   * (as `trackedReader`). On a SQLite file the statement is prepared once on that connection and run
   * directly: TypeORM's query runner (its broadcaster, its awaits, its per-call statement lookup)
   * was a tenth of a kept answer's CPU. The DataSource's logger still sees every statement, and a
   * driver error is wrapped as TypeORM wraps it (QueryFailedError, `driverError`). Elsewhere it is
   * the manager's `query`.
   */
  select<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const source = readSourceOf(this.dataSource);
    const handle = this.serial && source !== this.dataSource ? this.readHandle(source) : null;
    if (handle === null) return source.manager.query<R[]>(sql, [...params]);
    const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    source.logger.logQuery(sql, values);
    try {
      let statement = this.state.selects.get(sql);
      if (statement === undefined) {
        statement = handle.prepare(sql);
        // The stores' statements are a fixed set (times the batch sizes they use): bounded anyway.
        if (this.state.selects.size < MAX_PREPARED_SELECTS) this.state.selects.set(sql, statement);
      }
      return Promise.resolve(statement.all(...values) as R[]);
    } catch (error) {
      source.logger.logQueryError(error as Error, sql, values);
      return Promise.reject(new QueryFailedError(sql, values, error as Error));
    }
  }

  /**
   * Runs `work` in one transaction and resolves only once it is committed. A storage fault (on
   * BEGIN, inside `work` or on COMMIT) rejects with StorageUnavailableError; any other error of
   * `work` rolls back and is rethrown as it is. On SQLite, writes run one after another.
   */
  write<T>(work: (statements: WriteStatements) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    // A request that writes shows what it wrote: its answer is never kept.
    noteUntrackedRead();
    if (!this.serial) return this.writePostgres(work);
    return new Promise<T>((resolve, reject) => {
      const deadline = Date.now() + this.state.options.lockWaitMs;
      const durable = options.durable !== false;
      this.state.pending.push({ work, durable, deadline, resolve: resolve as (value: unknown) => void, reject });
      if (this.state.draining) return;
      this.state.draining = true;
      // The group starts after this turn's I/O callbacks, so every write they queue shares its commit.
      setImmediate(() => void this.drainSqlite());
    });
  }

  /**
   * One statement that is atomic by itself (an INSERT, an UPDATE, a data-modifying CTE), resolved
   * with the driver's result once committed. On SQLite it joins the group commit like any write; on
   * PostgreSQL it runs on a pooled connection without BEGIN/COMMIT, one round trip instead of
   * three. A storage fault leaves its outcome unknown, as a failed COMMIT does (StorageUnavailableError).
   */
  writeStatement(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.writeOne((w) => w.query(sql, params));
  }

  /**
   * Like `write`, for work that issues exactly one statement (atomic by itself): on PostgreSQL it
   * runs without BEGIN/COMMIT, one round trip instead of three.
   */
  async writeOne<T>(work: (statements: WriteStatements) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    if (this.serial) return this.write(work, options);
    noteUntrackedRead();
    const runner = this.dataSource.createQueryRunner();
    const { statements, end } = openStatements(runner, 'postgres');
    let result: T;
    try {
      await runner.connect();
      try {
        result = await work(statements);
      } finally {
        end();
      }
    } catch (error) {
      await releasePostgres(runner, isStorageFault(error) ? error : undefined);
      // A constraint (a duplicate key) reaches the caller as it is; a storage fault as STORAGE_UNAVAILABLE.
      throw this.failure(error);
    }
    await releasePostgres(runner, undefined);
    this.succeeded();
    return result;
  }

  /** Whether the last write committed (no probe). */
  get writable(): boolean {
    return this.state.failing === null;
  }

  /**
   * Whether writes can be taken now. While they fail, a real write probes (at most once a second) to
   * see if they commit again; with no write committed for a while, one probes too (a database turned
   * read-only or refusing connections is found without traffic). A store added with
   * `addWriteDependency` that names a problem makes writes unavailable as well.
   */
  async storageState(): Promise<StorageState> {
    const now = Date.now();
    const failing = this.state.failing !== null;
    const idle = now - this.state.lastCommit >= IDLE_PROBE_MS;
    if ((failing || idle) && now - this.state.lastProbe >= PROBE_INTERVAL_MS) {
      this.state.lastProbe = now;
      await this.probe().catch(() => undefined);
    }
    const current = this.state.failing;
    if (current !== null) return { writable: false, failing: 'database', reason: current.reason, since: current.since.toISOString() };
    for (const check of this.state.checks) {
      const problem = check();
      if (problem !== null) return { writable: false, failing: 'dependency', reason: problem };
    }
    return { writable: true };
  }

  /**
   * Something else every payment write depends on (the payments module's create journal): while
   * `check` names a problem, `storageState()` reports writes as unavailable with that reason.
   * `check` must be cheap (readiness calls it on every probe).
   */
  addWriteDependency(check: () => string | null): void {
    this.state.checks.push(check);
  }

  /**
   * A storage fault met outside `write` (readiness could not reach the database): marks writes as
   * failing as a failed write does (the episode's one error line, readiness's reason) until a write
   * commits again. Anything that is no storage fault is ignored.
   */
  reportFault(error: unknown): void {
    const reason = storageFaultCode(error);
    if (reason !== null) this.markFailing(reason);
  }

  /** A one-row write through the normal path: clears the failing state when it commits. */
  probe(): Promise<void> {
    const now = Date.now();
    return this.write(async (w) => {
      await w.execute(
        `INSERT INTO storage_probe (id, "checkedAt") VALUES (1, ${now}) ON CONFLICT (id) DO UPDATE SET "checkedAt" = excluded."checkedAt"`,
      );
    });
  }

  /** Runs groups until nothing is pending. Never rejects: each write's own promise carries its outcome. */
  private async drainSqlite(): Promise<void> {
    try {
      while (this.state.pending.length > 0) {
        const group = this.state.pending.splice(0, MAX_GROUP);
        // commitGroup settles every member itself; should it ever throw, no member may be left waiting.
        await this.commitGroup(group).catch((error: unknown) => {
          this.settle(this.sqliteHandle());
          for (const write of group) write.reject(error);
        });
      }
    } finally {
      this.state.draining = false;
    }
  }

  /** One transaction for `group`: each write in its own savepoint, one COMMIT, then every promise settles. */
  private async commitGroup(group: QueuedWrite[]): Promise<void> {
    const handle = this.sqliteHandle();
    // Whatever an earlier failure left open is rolled back before anything new starts.
    this.settle(handle);
    let members = group;
    try {
      // Set outside any transaction, once per connection: COMMIT never waits for the disk (durable writes wait for the WAL's sync below).
      commitWithoutWaiting(handle);
      members = await this.beginImmediate(handle, group);
    } catch (error) {
      const failure = this.failure(error);
      for (const write of group) write.reject(failure);
      return;
    }
    // Every write timed out waiting for a lock held elsewhere (each was rejected): nothing began.
    if (members.length === 0) return;
    // better-sqlite3's one connection: the runner is the same object for every write.
    const runner = this.dataSource.createQueryRunner();
    const done: Array<{ write: QueuedWrite; value: unknown }> = [];
    // Writes that failed on their own are told only once the group's transaction has ended: a caller
    // that reads at once must not see the other members' rows before they are committed.
    const refused: Array<{ write: QueuedWrite; error: unknown }> = [];
    const tellRefused = () => refused.forEach(({ write, error }) => write.reject(error));
    for (let i = 0; i < members.length; i++) {
      const write = members[i];
      const { statements, end } = openStatements(runner, 'sqlite');
      try {
        handle.exec('SAVEPOINT write');
        let value: unknown;
        try {
          value = await write.work(statements);
        } finally {
          end();
        }
        handle.exec('RELEASE write');
        done.push({ write, value });
      } catch (error) {
        if (!isStorageFault(error) && this.rollbackTo(handle)) {
          // Its own failure (a constraint, a rule): only this write is undone.
          refused.push({ write, error });
          continue;
        }
        // A storage fault, or the transaction is gone: nothing of this group can commit.
        this.settle(handle);
        write.reject(this.failure(error, 'GROUP_ABORTED'));
        const failure = new StorageUnavailableError(storageFaultCode(error) ?? 'GROUP_ABORTED');
        for (const other of [...done.map((d) => d.write), ...members.slice(i + 1)]) other.reject(failure);
        tellRefused();
        return;
      }
    }
    try {
      handle.exec('COMMIT');
    } catch (error) {
      // A failed COMMIT may or may not have ended the transaction (SQLite's docs): ask the handle.
      this.settle(handle);
      const failure = this.failure(error, 'COMMIT_FAILED');
      for (const { write } of done) write.reject(failure);
      tellRefused();
      return;
    }
    if (handle.inTransaction) {
      this.settle(handle);
      const failure = this.failure(new Error('the transaction is still open after COMMIT'), 'COMMIT_FAILED');
      for (const { write } of done) write.reject(failure);
      tellRefused();
      return;
    }
    this.succeeded();
    // Bookkeeping is answered at once; a durable write once the WAL is synced (off the event loop).
    const durable = done.filter(({ write }) => write.durable);
    for (const { write, value } of done) if (!write.durable) write.resolve(value);
    tellRefused();
    if (durable.length === 0) return;
    const walSync = this.walSyncOf(handle);
    if (walSync === null) {
      for (const { write, value } of durable) write.resolve(value);
      return;
    }
    walSync.request().then(
      () => durable.forEach(({ write, value }) => write.resolve(value)),
      (error: unknown) => {
        // Committed, but maybe not on disk: the outcome is unknown, as after a failed COMMIT.
        const fault = new StorageUnavailableError(walSyncFaultCode(error));
        fault.cause = error;
        const failure = this.failure(fault);
        durable.forEach(({ write }) => write.reject(failure));
      },
    );
  }

  /** The WAL syncs of the SQLite file behind `handle`, or null for an in-memory database (nothing to sync). */
  private walSyncOf(handle: BetterSqlite3.Database): WalSync | null {
    // Per connection: a DataSource opened again has a new one, and maybe a new WAL file.
    if (this.state.walSync?.handle !== handle) {
      this.state.walSync?.syncs?.close();
      this.state.walSync = { handle, syncs: handle.memory ? null : new WalSync(`${handle.name}-wal`, this.state.options.syncFile) };
    }
    return this.state.walSync.syncs;
  }

  /** Undoes one write inside the group's transaction; false when that is not possible any more. */
  private rollbackTo(handle: BetterSqlite3.Database): boolean {
    if (!handle.inTransaction) return false;
    try {
      handle.exec('ROLLBACK TO write');
      handle.exec('RELEASE write');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front. A lock held elsewhere is waited for with timers,
   * never inside SQLite: the attempt runs with busy_timeout 0 (reads keep the connection's short one).
   */
  private async beginImmediate(handle: BetterSqlite3.Database, group: QueuedWrite[]): Promise<QueuedWrite[]> {
    let waiting = group;
    for (let attempt = 0; ; attempt++) {
      const error = tryBegin(handle);
      if (error === null) return waiting;
      const code = storageFaultCode(error);
      const busy = code !== null && /^SQLITE_(BUSY|LOCKED)/.test(code);
      if (!busy) throw error as Error;
      // Each write waits for the lock until its own deadline; those past it fail, the others wait on.
      const now = Date.now();
      const expired = waiting.filter((write) => write.deadline <= now);
      if (expired.length > 0) {
        const failure = this.failure(error);
        for (const write of expired) write.reject(failure);
        waiting = waiting.filter((write) => write.deadline > now);
        if (waiting.length === 0) return waiting;
      }
      const left = Math.min(...waiting.map((write) => write.deadline)) - now;
      await sleep(Math.min(left, LOCK_RETRY_MAX_MS, 2 ** attempt));
    }
  }

  /** Rolls back an open transaction; if even that fails, the next write tries again before it starts. */
  private settle(handle: BetterSqlite3.Database): void {
    if (!handle.inTransaction) return;
    try {
      handle.exec('ROLLBACK');
    } catch (error) {
      // Within a failure episode (which has its error line): a warning, not one more error per write.
      this.state.options.log?.warn({ err: error }, 'ROLLBACK failed; the next write will try again before it starts');
    }
    if (handle.inTransaction) this.markFailing('ROLLBACK_FAILED');
  }

  private async writePostgres<T>(work: (statements: WriteStatements) => Promise<T>): Promise<T> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    const { statements, end } = openStatements(runner, 'postgres');
    let committing = false;
    let result: T;
    try {
      await runner.connect();
      await runner.startTransaction();
      try {
        result = await work(statements);
      } finally {
        end();
      }
      committing = true;
      await runner.commitTransaction();
    } catch (error) {
      // After a failed COMMIT, a failed ROLLBACK or a storage fault, the connection's state is unknown: destroy it.
      let broken = committing || isStorageFault(error);
      if (!broken && runner.isTransactionActive) {
        await runner.query('ROLLBACK').catch(() => (broken = true));
      }
      await releasePostgres(runner, broken ? error : undefined);
      throw committing ? this.failure(error, 'COMMIT_FAILED') : this.failure(error);
    }
    await releasePostgres(runner, undefined);
    this.succeeded();
    return result;
  }

  /** Storage faults become StorageUnavailableError and mark writes as failing; other errors pass through. */
  private failure(error: unknown, fallbackReason?: string): unknown {
    const wrapped = StorageUnavailableError.from(error, fallbackReason);
    if (wrapped instanceof StorageUnavailableError) {
      this.state.options.onCommitFailure?.(wrapped.reason);
      this.markFailing(wrapped.reason);
    }
    return wrapped;
  }

  private markFailing(reason: string): void {
    const state = this.state;
    const now = Date.now();
    if (state.failing === null) {
      state.failing = { reason, since: new Date(now) };
      state.lastProbe = now;
    }
    const episode = state.episode;
    if (episode !== null) {
      // The same episode goes on (writes failing and committing by turns): no new line.
      episode.lastFailure = now;
      episode.failures++;
      return;
    }
    state.episode = { reason, since: new Date(now), lastFailure: now, failures: 1, timer: null };
    state.options.log?.error({ reason }, 'database writes are failing: requests that write answer STORAGE_UNAVAILABLE and /readyz 503');
  }

  private succeeded(): void {
    const state = this.state;
    state.lastCommit = Date.now();
    state.failing = null;
    const episode = state.episode;
    if (episode === null || episode.timer !== null) return;
    // The episode ends once writes have committed for EPISODE_QUIET_MS with no failure in between.
    const check = () => {
      episode.timer = null;
      if (state.episode !== episode) return;
      const quietFor = Date.now() - episode.lastFailure;
      if (state.failing !== null) return; // failing again: the next commit looks again
      if (quietFor < EPISODE_QUIET_MS) {
        episode.timer = setTimeout(check, EPISODE_QUIET_MS - quietFor).unref();
        return;
      }
      state.episode = null;
      state.options.log?.warn(
        { reason: episode.reason, failures: episode.failures, downMs: episode.lastFailure - episode.since.getTime() },
        'database writes commit again',
      );
    };
    episode.timer = setTimeout(check, Math.max(0, EPISODE_QUIET_MS - (Date.now() - episode.lastFailure))).unref();
  }

  /** The read connection's better-sqlite3 handle (null once closed: the manager then reports it). */
  private readHandle(source: DataSource): BetterSqlite3.Database | null {
    if (!source.isInitialized) return null;
    const handle = (source.driver as unknown as { databaseConnection?: BetterSqlite3.Database }).databaseConnection;
    if (handle === undefined || !handle.open) return null;
    if (this.state.selectsOn !== handle) {
      this.state.selects.clear();
      this.state.selectsOn = handle;
    }
    return handle;
  }

  private sqliteHandle(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  }
}

/** Returns a pooled connection; with an error, pg's pool destroys it instead of reusing it. */
async function releasePostgres(runner: QueryRunner, error: unknown): Promise<void> {
  const pgRunner = runner as QueryRunner & { releasePostgresConnection?: (err?: unknown) => Promise<void> };
  try {
    if (error !== undefined && pgRunner.releasePostgresConnection) await pgRunner.releasePostgresConnection(error);
    else await runner.release();
  } catch {
    // Releasing a dead connection can fail too; the pool has dropped it either way.
  }
}

/** The busy_timeout the connection was opened with (what reads keep), read once per connection. */
const readsBusyTimeout = new WeakMap<BetterSqlite3.Database, number>();

/** Write connections set to `synchronous = NORMAL` (each opens with FULL, so that the migrations wait for the disk). */
const normalCommits = new WeakSet<BetterSqlite3.Database>();

function commitWithoutWaiting(handle: BetterSqlite3.Database): void {
  if (normalCommits.has(handle)) return;
  handle.pragma('synchronous = NORMAL');
  normalCommits.add(handle);
}

/** One BEGIN IMMEDIATE that never waits inside SQLite; null when it took the lock. */
function tryBegin(handle: BetterSqlite3.Database): unknown {
  let busyTimeout = readsBusyTimeout.get(handle);
  if (busyTimeout === undefined) {
    busyTimeout = handle.pragma('busy_timeout', { simple: true }) as number;
    readsBusyTimeout.set(handle, busyTimeout);
  }
  // exec, not pragma(): pragma() prepares a statement on every call (18 us against 1 us, twice per group).
  handle.exec('PRAGMA busy_timeout = 0');
  try {
    handle.exec('BEGIN IMMEDIATE');
    return null;
  } catch (error) {
    return error;
  } finally {
    handle.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
  }
}
