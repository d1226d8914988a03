// Memory after a create burst: 100 creates in flight grow the BFF's heap; the issue asks that RSS
// come back under a limit within a while after it. One closed-loop create window on the BFF, then
// its RSS read every 500 ms until it is under the limit or the watch is over.
import { CREATE_BODY, type SimulatorControl, created } from './graphql';
import { measure } from './load';
import type { Options } from './options';
import { rssMiB } from './probe';
import type { ServerProcess } from './proc';
import { settle } from './rows';

/** The limit for RSS after the create rows. */
export const RECOVERY_LIMIT_MIB = 180;

export interface Recovery {
  readonly label: string;
  readonly creates: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Peak RSS during the burst. */
  readonly peakRssMiB: number;
  /** RSS when the burst ended. */
  readonly endRssMiB: number;
  /** Seconds after the burst until RSS was under the limit; null when it was not within the watch. */
  readonly underAfterSeconds: number | null;
  /** RSS when the watch ended (under the limit, or at its end). */
  readonly lastRssMiB: number;
  readonly watchedSeconds: number;
}

export async function measureRecovery(
  label: string,
  server: ServerProcess,
  control: SimulatorControl,
  options: Options,
): Promise<Recovery> {
  await control.setLatency(0);
  await settle(server.pid);
  const burst = await measure(
    { url: server.url, body: CREATE_BODY, connections: options.createConnections, check: created },
    options.seconds,
    server.pid,
  );
  const ended = performance.now();
  const endRssMiB = rssMiB(server.pid);
  let lastRssMiB = endRssMiB;
  let underAfterSeconds: number | null = null;
  for (;;) {
    const waited = (performance.now() - ended) / 1000;
    lastRssMiB = rssMiB(server.pid);
    if (lastRssMiB < RECOVERY_LIMIT_MIB) {
      underAfterSeconds = waited;
      break;
    }
    if (waited >= options.recoverySeconds) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    label,
    creates: burst.requests,
    errors: burst.errors,
    firstError: burst.firstError,
    peakRssMiB: burst.peakRssMiB,
    endRssMiB,
    underAfterSeconds,
    lastRssMiB,
    watchedSeconds: (performance.now() - ended) / 1000,
  };
}
