/**
 * Whether this process's event loop is lagging: requests are then waiting for their turn, and work
 * that can wait (the reconciler's next batch) should. Measured with Node's own loop-delay monitor.
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The monitor's timer: it records each interval it measured, so the lag is the interval's excess over this. */
const RESOLUTION_MS = 10;
/** A mean lag above this since the last question counts as lagging (an idle or busy-but-keeping-up loop is under 5 ms). */
export const LAGGING_MEAN_MS = 20;

export class LoopPressure {
  private readonly histogram: ELDHistogram;

  constructor(private readonly laggingMeanMs = LAGGING_MEAN_MS) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
  }

  /** The loop's mean lag (ms) since the last call, and whether it is over the threshold; starts a new window. */
  sample(): { meanLagMs: number; lagging: boolean } {
    const measured = this.histogram.count > 0;
    const meanLagMs = measured ? Math.max(0, this.histogram.mean / 1e6 - RESOLUTION_MS) : 0;
    this.histogram.reset();
    return { meanLagMs, lagging: meanLagMs > this.laggingMeanMs };
  }

  close(): void {
    this.histogram.disable();
  }
}
