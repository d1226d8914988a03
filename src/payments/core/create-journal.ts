/**
 * An append-only file of Cashii ids that Cashii created but the database could not take yet.
 * Each entry is written and fsynced before the client hears anything, so the id survives a crash
 * during a database outage; entries leave the file once the database holds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger';

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
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
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
      const created = !fs.existsSync(this.file);
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      const handle = await fs.promises.open(this.file, 'a', 0o600);
      try {
        await handle.appendFile(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (created) await syncDirectory(path.dirname(this.file));
    });
  }

  /** Forgets recorded entries and rewrites the file with what is left (empty in the usual case). */
  remove(recordIds: readonly string[]): Promise<void> {
    for (const id of recordIds) this.entries.delete(id);
    return this.serially(async () => {
      if (!fs.existsSync(this.file)) return;
      const rest = [...this.entries.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('');
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
    });
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
