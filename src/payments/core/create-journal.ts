/**
 * An append-only file of Cashii ids that Cashii created but the database could not take yet.
 * Each entry is written and fsynced before the client hears anything, so the id survives a crash
 * during a database outage; entries leave the file once the database holds them.
 *
 * The journal is what lets a create go to Cashii at all: if an id could be neither stored nor
 * journaled, a crash would cost that key a second Cashii create. So the file is opened for
 * appending at start and kept open, and its state is known without an fs call per request
 * (`problem`): a failed write marks it unwritable at once, and a timer re-probes it every second
 * (is the open file still the one at the path, may it be written; after a failure, a real
 * one-byte write and fsync). The log tells of episodes: one error line when it becomes
 * unwritable, one warning once it has been writable for `EPISODE_QUIET_MS` again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger';

/** How often the journal is re-probed. */
const PROBE_INTERVAL_MS = 1000;
/** An unwritable episode ends (one warning) once the journal has been writable this long. */
const EPISODE_QUIET_MS = 2000;

export interface JournalEntry {
  /** Our record's id (payment_orders.id). */
  recordId: string;
  /** Cashii's 16-digit payment id. */
  cashiiId: string;
  /** When Cashii answered, in ms since the epoch. */
  at: number;
}

export class CreateJournal {
  private readonly entries = new Map<string, JournalEntry>();
  /** File operations run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  /** The file, open for appending (null before `open`, and after a failure until a probe reopens it). */
  private handle: fs.promises.FileHandle | null = null;
  /** Why the journal cannot be written now (an errno code), while it cannot. */
  private failing: { reason: string; since: Date } | null = null;
  /** The log's view: from the first failure until the journal has been writable for EPISODE_QUIET_MS. */
  private episode: { since: Date; lastFailure: number; reason: string } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Reads what an earlier run left (a torn last line from a crash mid-write is skipped). */
  load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      // No file (or no folder: a path through a missing one, or through a file) holds no entries;
      // any other failure (unreadable) might hide some, and stops the start.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseEntry(line);
      if (entry) this.entries.set(entry.recordId, entry);
      else this.log.warn({ file: this.file }, 'skipped an unreadable line of the create journal');
    }
    if (this.entries.size > 0)
      this.log.warn({ file: this.file, entries: this.entries.size }, 'the create journal holds Cashii ids to record');
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Opens the file for appending (creating it and its folder) and starts the probe timer. Never
   * rejects: a journal that cannot be opened is reported by `problem` until a probe opens it.
   */
  async open(): Promise<void> {
    await this.serially(async () => {
      try {
        await this.reopen();
        this.recovered();
      } catch (error) {
        this.fail(error);
      }
    });
    this.timer ??= setInterval(() => void this.serially(() => this.probe()).catch(() => undefined), PROBE_INTERVAL_MS).unref();
  }

  /** Why entries cannot be written now (e.g. `the create journal cannot be written (EACCES)`), or null. Cheap: no fs call. */
  problem(): string | null {
    return this.failing === null ? null : `the create journal cannot be written (${this.failing.reason})`;
  }

  /** The errno code that makes the journal unwritable, or null while it can be written. */
  get unwritableReason(): string | null {
    return this.failing?.reason ?? null;
  }

  /** Stops the probes and closes the file (after the operations queued before). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.serially(async () => {
      await this.handle?.close().catch(() => undefined);
      this.handle = null;
    }).catch(() => undefined);
  }

  get(recordId: string): JournalEntry | undefined {
    return this.entries.get(recordId);
  }

  all(): JournalEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Keeps the entry in memory at once and on disk (appended, fsynced) when this resolves. It
   * rejects when the disk refuses (the same full disk that stopped the database, say): the entry
   * then lives in memory only, and the caller must log it.
   */
  append(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.recordId, entry);
    return this.serially(async () => {
      try {
        const handle = this.handle ?? (await this.reopen());
        await handle.appendFile(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } catch (error) {
        // A torn line may be left: the next write (a probe's newline) ends it before anything follows.
        this.fail(error);
        throw error;
      }
    });
  }

  /** Forgets recorded entries and rewrites the file with what is left (empty in the usual case). */
  remove(recordIds: readonly string[]): Promise<void> {
    for (const id of recordIds) this.entries.delete(id);
    return this.serially(async () => {
      const rest = [...this.entries.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('');
      if (rest === '' && this.handle !== null && this.failing === null) {
        // The usual case: nothing is left. Emptied in place, the open file stays the journal.
        await this.handle.truncate(0);
        await this.handle.sync();
        return;
      }
      if (!fs.existsSync(this.file)) return;
      const temporary = `${this.file}.tmp`;
      await fs.promises.writeFile(temporary, rest, { mode: 0o600 });
      const handle = await fs.promises.open(temporary, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(temporary, this.file);
      await syncDirectory(path.dirname(this.file));
      // The open handle still points at the file that was replaced: the new one is the journal now.
      if (this.handle !== null) {
        await this.handle.close().catch(() => undefined);
        this.handle = null;
        await this.reopen().catch((error: unknown) => this.fail(error));
      }
    });
  }

  /** Opens the file for appending (creating the folder and the file); a torn last line is ended first. */
  private async reopen(): Promise<fs.promises.FileHandle> {
    if (this.handle !== null) {
      const old = this.handle;
      this.handle = null;
      await old.close().catch(() => undefined);
    }
    const dir = path.dirname(this.file);
    await fs.promises.mkdir(dir, { recursive: true });
    const handle = await fs.promises.open(this.file, 'a+', 0o600);
    try {
      const { size } = await handle.stat();
      let created = size === 0;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) {
          await handle.appendFile('\n');
          await handle.sync();
        }
        created = false;
      }
      // A new (empty) file: its folder entry is made durable too.
      if (created) await syncDirectory(dir);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    this.handle = handle;
    return handle;
  }

  /**
   * One probe: while writable, is the open file still the one at the path, and may it be written
   * (a read-only remount, a replaced folder)? After a failure, a real write: reopen, append a
   * newline (blank lines are skipped at load) and fsync.
   */
  private async probe(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.failing === null && this.handle !== null) {
        const [atPath, open] = await Promise.all([fs.promises.stat(this.file), this.handle.stat()]);
        if (atPath.ino !== open.ino || atPath.dev !== open.dev)
          throw Object.assign(new Error('the journal file was replaced'), { code: 'REPLACED' });
        await fs.promises.access(this.file, fs.constants.W_OK);
        this.recovered();
        return;
      }
      const handle = await this.reopen();
      await handle.appendFile('\n');
      await handle.sync();
      this.recovered();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Marks the journal unwritable (one error line per episode) and drops the handle; the timer probes again. */
  private fail(error: unknown): void {
    const reason = (error as NodeJS.ErrnoException | null)?.code ?? 'ERROR';
    const now = Date.now();
    this.failing ??= { reason, since: new Date(now) };
    if (this.handle !== null) {
      void this.handle.close().catch(() => undefined);
      this.handle = null;
    }
    if (this.episode !== null) {
      this.episode.lastFailure = now;
      return;
    }
    this.episode = { since: new Date(now), lastFailure: now, reason };
    this.log.error(
      { file: this.file, reason, err: error instanceof Error ? error.message : String(error) },
      'the create journal cannot be written: creates are refused with STORAGE_UNAVAILABLE and /readyz answers 503',
    );
  }

  /** Writable (again): readiness and creates at once; the log's warning once it has lasted EPISODE_QUIET_MS. */
  private recovered(): void {
    this.failing = null;
    const episode = this.episode;
    if (episode === null || Date.now() - episode.lastFailure < EPISODE_QUIET_MS) return;
    this.episode = null;
    this.log.warn(
      { file: this.file, reason: episode.reason, downMs: episode.lastFailure - episode.since.getTime() },
      'the create journal can be written again',
    );
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function parseEntry(line: string): JournalEntry | null {
  try {
    const value = JSON.parse(line) as Partial<JournalEntry>;
    if (typeof value.recordId === 'string' && typeof value.cashiiId === 'string' && typeof value.at === 'number') {
      return { recordId: value.recordId, cashiiId: value.cashiiId, at: value.at };
    }
  } catch {
    // fall through
  }
  return null;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems do not sync directories; the file's own fsync is what matters most.
  } finally {
    await handle.close();
  }
}
