/**
 * Time as a collaborator: the payments module asks a Clock instead of `Date.now()`, `new Date()`
 * or `setTimeout`, so tests move time (test/fixtures/manual-clock.ts) instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` of this clock's time have passed. */
  sleep(ms: number): Promise<void>;
  /** Calls `callback` once `ms` of this clock's time have passed; never keeps the process alive. */
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Waiting never keeps the process alive by itself (the server or the caller does).
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref()),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** The one `sleep` of the code base outside the Clock's users (the machine's time). */
export function sleep(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}
