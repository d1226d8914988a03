/**
 * Timers that wait for a wall-clock moment however far away it is. Node's `setTimeout` takes at
 * most 2^31-1 ms (about 24.8 days) and fires a longer delay at once (TimeoutOverflowWarning), so a
 * far moment is reached in clamped steps, re-checking the clock at each step.
 */

/** The longest delay one `setTimeout` honours. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface Scheduled {
  /** Stops it for good; harmless after it has fired. */
  cancel(): void;
}

/**
 * Calls `callback` once when `Date.now()` reaches `at` (epoch ms); a moment already past fires on a
 * later turn, never synchronously. The timers are unref'd: they never keep the process alive.
 */
export function runAt(at: number, callback: () => void): Scheduled {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = (): void => {
    timer = setTimeout(
      () => {
        if (cancelled) return;
        // A clamped step (or a timer a millisecond early against the wall clock) is not the moment yet.
        if (Date.now() < at) arm();
        else callback();
      },
      Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - Date.now())),
    );
    timer.unref();
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
