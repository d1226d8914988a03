/**
 * Makes SQLite's write-ahead log durable off the event loop.
 *
 * The write connection commits with `synchronous = NORMAL`: COMMIT writes the transaction's frames
 * to the WAL file (into the page cache) and returns without waiting for the disk. A durable write
 * is then answered only once an fdatasync of that file, started after its COMMIT, has finished on
 * libuv's thread pool: the frames of every transaction committed before the sync started are on
 * disk, as `synchronous = FULL` would have made them, but the event loop never waits for the disk
 * (a FULL COMMIT blocked it for about 0.25 ms each here, 15 % of the wall time at 100 creates/s).
 *
 * Requests coalesce: while one sync runs, every request made meanwhile shares the next one (the
 * running sync may have started before their frames were written), so a burst costs two syncs.
 *
 * The WAL is synced through a descriptor kept open between syncs (opening and closing it cost
 * twice the CPU of the sync itself). That descriptor is the file SQLite writes as long as the
 * connection it was opened for stays open (SQLite removes or replaces a WAL only when the last
 * connection closes), so the database keeps one WalSync per connection object; it closes the
 * descriptor after a second without a sync. A WAL that is gone was checkpointed into the database
 * file, and synced, by the last connection's close. The first sync also syncs the folder, so that
 * the WAL's own directory entry is durable.
 */
import fs from 'node:fs';
import path from 'node:path';

/** fdatasync of one file (a test puts a slow or failing one in place of the kept descriptor's). */
export type SyncFile = (file: string) => Promise<void>;

/** The kept descriptor is closed after this long without a sync. */
const IDLE_CLOSE_MS = 1000;

export class WalSync {
  private running: Promise<void> | null = null;
  /** The sync that starts once the running one ends, shared by every request made meanwhile. */
  private queued: Promise<void> | null = null;
  private folderSynced = false;
  private kept: { fd: number; timer: NodeJS.Timeout } | null = null;
  private readonly syncFile: SyncFile;

  constructor(
    private readonly file: string,
    syncFile?: SyncFile,
  ) {
    this.syncFile = syncFile ?? ((target) => (target === this.file ? this.syncKept() : syncOnce(target)));
  }

  /** Resolves once a sync that started after this call has finished (rejects with its error). */
  request(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const after = () => {
      this.queued = null;
      return this.start();
    };
    this.queued = this.running.then(after, after);
    return this.queued;
  }

  /** Closes the kept descriptor now (it is opened again by the next sync). */
  close(): void {
    if (this.kept === null) return;
    // Never under a sync: looked at again a second later.
    if (this.running !== null) return void this.kept.timer.refresh();
    clearTimeout(this.kept.timer);
    fs.close(this.kept.fd, () => undefined);
    this.kept = null;
  }

  private start(): Promise<void> {
    const run = this.sync();
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = null;
    };
    run.then(done, done);
    return run;
  }

  private async sync(): Promise<void> {
    try {
      await this.syncFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (!this.folderSynced) {
      await this.syncFile(path.dirname(this.file));
      this.folderSynced = true;
    }
  }

  /** One fdatasync through the kept descriptor (opened when there is none); syncs never overlap, so none is closed under one. */
  private async syncKept(): Promise<void> {
    if (this.kept === null) {
      const fd = await new Promise<number>((resolve, reject) =>
        fs.open(this.file, 'r', (error, opened) => (error ? reject(error) : resolve(opened))),
      );
      this.kept = { fd, timer: setTimeout(() => this.close(), IDLE_CLOSE_MS).unref() };
    } else this.kept.timer.refresh();
    const { fd } = this.kept;
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }
}

/** Opens, syncs and closes (the folder, once). */
function syncOnce(target: string): Promise<void> {
  return new Promise((resolve, reject) =>
    fs.open(target, 'r', (error, fd) => {
      if (error) return reject(error);
      fs.fdatasync(fd, (synced) => fs.close(fd, () => (synced ? reject(synced) : resolve())));
    }),
  );
}
