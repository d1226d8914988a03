// The coalescing figure: many clients polling one pending payment, and how many times the BFF
// asks Cashii for it. A BFF of its own (fresh SQLite, default STATUS_TTL_MS) so that nothing else
// in its database is pending.
import path from 'node:path';
import type { Build } from './build';
import { SimulatorControl, createPayment, paymentRead, readBody } from './graphql';
import { measure } from './load';
import type { Options } from './options';
import { bffEnv, startBff } from './stack';

/** The BFF's default; the run leaves STATUS_TTL_MS unset for this measurement. */
export const DEFAULT_STATUS_TTL_MS = 2000;

export interface Coalescing {
  readonly clients: number;
  readonly seconds: number;
  readonly requests: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly gets: number;
  /** TTL windows in the measured time. */
  readonly windows: number;
  readonly errors: number;
  readonly firstError: string | null;
}

export async function measureCoalescing(build: Build, simulatorUrl: string, workDir: string, options: Options): Promise<Coalescing> {
  const control = new SimulatorControl(simulatorUrl);
  const server = await startBff('BFF (coalescing)', build, bffEnv(simulatorUrl, `sqlite:${path.join(workDir, 'coalesce.sqlite')}`));
  try {
    const id = await createPayment(server.url);
    await control.setLatency(0);
    const before = await control.stats();
    const window = await measure(
      { url: server.url, body: readBody(id), connections: options.coalesceClients, check: paymentRead(id, 'PENDING') },
      options.coalesceSeconds,
      server.pid,
    );
    const after = await control.stats();
    return {
      clients: options.coalesceClients,
      seconds: window.seconds,
      requests: window.requests,
      p50: window.p50,
      p99: window.p99,
      gets: after.get - before.get,
      windows: (window.seconds * 1000) / DEFAULT_STATUS_TTL_MS,
      errors: window.errors,
      firstError: window.firstError,
    };
  } finally {
    await server.stop();
  }
}
