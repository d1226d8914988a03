// Child side of the bench's process protocol: servers under test run alone in a forked process
// (so their RSS and CPU are their own), say where they listen, and stop when told or orphaned.

/** Sent once the server answers on `url`. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly url: string;
}

/** Sent by the parent to stop the server cleanly. */
export interface StopMessage {
  readonly type: 'stop';
}

/**
 * Sent by the parent to stop (`pause`) or start again (`resume`) a server's background work (the
 * BFF's reconciler) while it measures another process; answered with the same type once done.
 */
export interface BackgroundMessage {
  readonly type: 'pause' | 'resume';
}

/** A server's background work, as the parent may pause it. */
export interface Background {
  /** Stops scheduling and waits for the work in progress. */
  pause(): Promise<void>;
  resume(): void;
}

/** Announces `url` to the parent and closes with `close` when the parent asks or goes away. */
export function serveUntilStopped(url: string, close: () => Promise<void>, background?: Background): void {
  if (!process.send) throw new Error('bench servers must be started by bench/run.ts (no IPC channel)');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // A server that does not close promptly is not what is measured; do not let it hang the run.
    setTimeout(() => process.exit(0), 5000).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.on('message', (message: unknown) => {
    const type = (message as Partial<StopMessage | BackgroundMessage> | null)?.type;
    if (type === 'stop') stop();
    else if (type === 'pause')
      void (background?.pause() ?? Promise.resolve()).then(() => process.send?.({ type } satisfies BackgroundMessage), fail);
    else if (type === 'resume') {
      background?.resume();
      process.send?.({ type } satisfies BackgroundMessage);
    }
  });
  // The parent died (or closed the channel): nothing is left to serve.
  process.on('disconnect', stop);
  process.send({ type: 'ready', url } satisfies ReadyMessage);
}

/** Reads a variable the parent must set. */
export function requiredEnv(key: string): string {
  const value = process.env[key];
  if (value === undefined || value === '') throw new Error(`${key} is not set`);
  return value;
}

/** Reports a start-up failure on stderr (the parent shows it) and exits non-zero. */
export function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
