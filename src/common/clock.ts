import { runAt } from './run-at';

/**
 * Time as a collaborator: the payments module asks a Clock instead of `Date.now()`, `new Date()`
 * or `setTimeout`, so tests move time (test/fixtures/manual-clock.ts) instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` of this clock's time have passed. */
  sleep(ms: number): Promise<void>;
  /**
   * Calls `callback` once `ms` of this clock's time have passed, however long that is (more than
   * one Node timer's ~24.8 days included); never keeps the process alive.
   */
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Waiting never keeps the process alive by itself (the server or the caller does).
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref()),
  // runAt steps over the longest delay one Node timer takes (a longer one would fire at once).
  setTimeout: (callback, ms) => runAt(Date.now() + Math.max(0, ms), callback),
};

/** The one `sleep` of the code base outside the Clock's users (the machine's time). */
export function sleep(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}
