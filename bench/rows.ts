// The rows of the table (contender x workload x connections) and the rounds that measure them:
// every row once per round, the order rotated each round so no contender always runs first.
import { CREATE_BODY, type Check, created, exactly, paymentRead, readBody } from './graphql';
import { type Window, measure } from './load';
import type { Options } from './options';
import type { SeededBff, Stack } from './stack';
import type { ServerProcess } from './proc';

export type Workload = 'read' | 'terminal' | 'pending' | 'create';

export interface Row {
  readonly key: string;
  readonly label: string;
  readonly workload: Workload;
  readonly server: ServerProcess;
  readonly connections: number;
  /** The simulator's latency during the row; null when the path makes no upstream call. */
  readonly latencyMs: number | null;
  readonly body: string;
  readonly check: Check;
  /** The L row whose throughput this row is compared with, in the same round. */
  readonly baseline: string | null;
}

export interface Sample extends Window {
  /** Cashii calls (GET and create) seen by the simulator per answered request. */
  readonly upstreamPerRequest: number;
}

export type Samples = Map<string, Sample[]>;

function bffRows(bff: SeededBff, tag: string, options: Options, baseline: string): Row[] {
  const c = options.connections;
  const rows: Row[] = [];
  const read = readBody(bff.paidId);
  rows.push({
    key: `${tag}/terminal/${c}`,
    label: `${tag} payment(id), PAID`,
    workload: 'terminal',
    server: bff.server,
    connections: c,
    latencyMs: null,
    body: read,
    check: exactly(bff.reference),
    baseline,
  });
  for (const latencyMs of [0, options.upstreamLatencyMs]) {
    rows.push({
      key: `${tag}/pending/${latencyMs}`,
      label: `${tag} payment(id), PENDING, Cashii ${latencyMs} ms`,
      workload: 'pending',
      server: bff.server,
      connections: c,
      latencyMs,
      body: readBody(bff.pendingId),
      check: paymentRead(bff.pendingId, 'PENDING'),
      baseline,
    });
  }
  for (const latencyMs of [0, options.upstreamLatencyMs]) {
    rows.push({
      key: `${tag}/create/${latencyMs}`,
      label: `${tag} createRemotePayment, Cashii ${latencyMs} ms`,
      workload: 'create',
      server: bff.server,
      connections: options.createConnections,
      latencyMs,
      body: CREATE_BODY,
      check: created,
      baseline: null,
    });
  }
  return rows;
}

/** Every row of the run, in table order. */
export function buildRows(stack: Stack, options: Options): Row[] {
  const c = options.connections;
  const { bff } = stack;
  const read = readBody(bff.paidId);
  const same = exactly(bff.reference);
  const limitKey = `L/read/${c}`;
  const rows: Row[] = [
    {
      key: limitKey,
      label: 'L node:http + prepared get',
      workload: 'read',
      server: stack.limit,
      connections: c,
      latencyMs: null,
      body: read,
      check: same,
      baseline: limitKey,
    },
    {
      key: `Y/read/${c}`,
      label: 'Y graphql-yoga 5',
      workload: 'read',
      server: stack.yoga,
      connections: c,
      latencyMs: null,
      body: read,
      check: same,
      baseline: limitKey,
    },
    {
      key: `M/read/${c}`,
      label: 'M mercurius 16 + graphql-jit',
      workload: 'read',
      server: stack.mercurius,
      connections: c,
      latencyMs: null,
      body: read,
      check: same,
      baseline: limitKey,
    },
    {
      key: 'L/read/1',
      label: 'L node:http + prepared get',
      workload: 'read',
      server: stack.limit,
      connections: 1,
      latencyMs: null,
      body: read,
      check: same,
      baseline: 'L/read/1',
    },
    {
      key: 'BFF/terminal/1',
      label: 'BFF payment(id), PAID',
      workload: 'terminal',
      server: bff.server,
      connections: 1,
      latencyMs: null,
      body: read,
      check: same,
      baseline: 'L/read/1',
    },
    ...bffRows(bff, 'BFF', options, limitKey),
  ];
  if (stack.bffPg) rows.push(...bffRows(stack.bffPg, 'BFF-pg', options, limitKey));
  return rows;
}

/** Round `round`'s order: the list rotated by a spread step, so positions move a lot between rounds. */
export function rotation<T>(items: readonly T[], round: number, rounds: number): T[] {
  const step = Math.max(1, Math.floor(items.length / rounds));
  const shift = (round * step) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describe(row: Row, sample: Sample): string {
  const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
  return (
    `${row.label} @${row.connections}: ${fixed(sample.rps, 0)} req/s, p50 ${fixed(sample.p50, 2)} ms, p99 ${fixed(sample.p99, 2)} ms, ` +
    `${sample.errors} errors, ${fixed(sample.peakRssMiB, 0)} MiB` +
    (sample.firstError ? `\n    first error: ${sample.firstError}` : '')
  );
}

/** Measures every row once per round; `progress` gets one line per window. */
export async function runRounds(rows: readonly Row[], stack: Stack, options: Options, progress: (line: string) => void): Promise<Samples> {
  const samples: Samples = new Map(rows.map((row) => [row.key, []]));
  let latency = -1;
  for (let round = 0; round < options.rounds; round++) {
    for (const row of rotation(rows, round, options.rounds)) {
      const wanted = row.latencyMs ?? 0;
      if (wanted !== latency) await stack.control.setLatency((latency = wanted));
      const spec = { url: row.server.url, body: row.body, connections: row.connections, check: row.check };
      // Unmeasured, but its answers are checked like the others.
      const warm = options.warmupSeconds > 0 ? await measure(spec, options.warmupSeconds, row.server.pid) : null;
      const before = await stack.control.stats();
      const window = await measure(spec, options.seconds, row.server.pid);
      const after = await stack.control.stats();
      const calls = after.get - before.get + (after.create - before.create);
      const sample: Sample = {
        ...window,
        errors: window.errors + (warm?.errors ?? 0),
        firstError: window.firstError ?? warm?.firstError ?? null,
        upstreamPerRequest: window.requests > 0 ? calls / window.requests : Number.NaN,
      };
      samples.get(row.key)?.push(sample);
      progress(`  round ${round + 1}/${options.rounds} ${describe(row, sample)}`);
    }
  }
  await stack.control.setLatency(0);
  return samples;
}
