// Starts and stops the forked servers and keeps one registry of them, so that every process the
// bench started is stopped at the end, on failure and on Ctrl-C alike.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import type { BackgroundMessage, ReadyMessage, StopMessage } from './servers/ipc';

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** What the server announced: its GraphQL endpoint (or base URL for the simulator). */
  readonly url: string;
  stop(): Promise<void>;
  /** Pauses (or resumes) the server's background work, the BFF's reconciler; resolves once the server says it is done. */
  background(type: 'pause' | 'resume'): Promise<void>;
}

const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

/** Keeps the last bytes a child wrote, to explain a failure. */
function tail(stream: NodeJS.ReadableStream | null, limit = 4000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => (text = (text + chunk).slice(-limit)));
  return () => text.trim();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Stops a child: politely (its own close), then SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.connected) child.send({ type: 'stop' } satisfies StopMessage);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
  live.delete(child);
}

/** Asks a server to pause or resume its background work, and waits for its answer (at most 30 s). */
function background(child: ChildProcess, type: 'pause' | 'resume'): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    const onMessage = (message: unknown): void => {
      if ((message as Partial<BackgroundMessage> | null)?.type !== type) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer to ${type} in 30 s`));
    }, 30_000);
    child.on('message', onMessage);
    child.send({ type } satisfies BackgroundMessage);
  });
}

/** Forks a compiled server entry and waits until it announces its URL. */
export function startServer(name: string, entry: string, env: Record<string, string>, execArgv: string[] = []): Promise<ServerProcess> {
  const timeoutMs = 60_000;
  const child = fork(entry, [], { env: { PATH: process.env.PATH ?? '', ...env }, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  live.add(child);
  const output = tail(child.stdout);
  const errors = tail(child.stderr);
  return new Promise<ServerProcess>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit).off('error', onError).off('message', onMessage);
    };
    const fail = (reason: string): void => {
      settle();
      child.kill('SIGKILL');
      live.delete(child);
      reject(new Error(`${name} did not start: ${reason}\n${errors() || output()}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited with ${signal ?? code}`);
    const onError = (error: Error): void => fail(error.message);
    const onMessage = (message: unknown): void => {
      const ready = message as Partial<ReadyMessage> | null;
      if (ready?.type !== 'ready' || typeof ready.url !== 'string') return;
      settle();
      resolve({
        name,
        pid: child.pid as number,
        url: ready.url,
        stop: () => stopChild(child, 8000),
        background: (type) => background(child, type),
      });
    };
    const timer = setTimeout(() => fail(`no ready message after ${timeoutMs} ms`), timeoutMs);
    child.on('exit', onExit).on('error', onError).on('message', onMessage);
  });
}

/** Spawns a plain process (the cold start) under the same registry. */
export function spawnTracked(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stops a tracked plain process: SIGTERM, then SIGKILL. */
export async function stopTracked(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await done;
  clearTimeout(timer);
  live.delete(child);
}

/** Runs at the end of the run, also after a failure or Ctrl-C (newest first). */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.unshift(cleanup);
}

/** Stops every child still running, then runs the cleanups; never throws. */
export async function shutdown(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 8000).catch(() => undefined)));
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

// Last resort: whatever happens to the parent, no server outlives it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping every server the bench started\n`);
    const deadline = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([shutdown(), deadline]).finally(() => process.exit(130));
  });
}
