// The rows of the table (contender x workload x connections) and the rounds that measure them:
// every row once per round, the order rotated each round so no contender always runs first.
import { CREATE_BODY, type Check, type SimulatorStats, created, exactly, paymentRead, readBody } from './graphql';
import { type Window, measure } from './load';
import { measureOpenLoop } from './open-loop';
import { cpuSeconds } from './probe';
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
  /** Open loop: requests per second on a fixed schedule (connections are then opened as needed); null: closed loop. */
  readonly rate: number | null;
  /** The simulator's latency during the row; null when the path makes no upstream call. */
  readonly latencyMs: number | null;
  readonly body: string;
  readonly check: Check;
  /** The limit row (L for reads, LC for creates) whose throughput this row is compared with, in the same round. */
  readonly baseline: string | null;
}

export interface Sample extends Window {
  /** Cashii calls (GET and create) seen by the simulator per answered request. */
  readonly upstreamPerRequest: number;
  /** Open loop only: the generator's largest delay behind its schedule, ms. */
  readonly maxSendLagMs?: number;
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
    rate: null,
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
      rate: null,
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
      rate: null,
      latencyMs,
      body: CREATE_BODY,
      check: created,
      baseline: `LC/create/${latencyMs}`,
    });
  }
  rows.push(...openLoopRows(tag, bff.server, options));
  return rows;
}

/** createRemotePayment at a fixed arrival rate, Cashii at 0 ms and at the slow latency. */
function openLoopRows(tag: string, server: ServerProcess, options: Options): Row[] {
  return [0, options.upstreamLatencyMs].map((latencyMs) => ({
    key: `${tag}/open/${latencyMs}`,
    label: `${tag} createRemotePayment at ${options.openLoopRate}/s, Cashii ${latencyMs} ms`,
    workload: 'create',
    server,
    connections: 0,
    rate: options.openLoopRate,
    latencyMs,
    body: CREATE_BODY,
    check: created,
    baseline: null,
  }));
}

/** LC, the create limit, in a closed loop at the create connections (the baseline of the BFF's create rows) and in the open loop. */
function createLimitRows(server: ServerProcess, options: Options): Row[] {
  const closed: Row[] = [0, options.upstreamLatencyMs].map((latencyMs) => ({
    key: `LC/create/${latencyMs}`,
    label: `LC node:http + INSERT, Cashii, UPDATE, Cashii ${latencyMs} ms`,
    workload: 'create',
    server,
    connections: options.createConnections,
    rate: null,
    latencyMs,
    body: CREATE_BODY,
    check: created,
    baseline: `LC/create/${latencyMs}`,
  }));
  return [...closed, ...openLoopRows('LC', server, options)];
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
      rate: null,
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
      rate: null,
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
      rate: null,
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
      rate: null,
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
      rate: null,
      latencyMs: null,
      body: read,
      check: same,
      baseline: 'L/read/1',
    },
    ...createLimitRows(stack.createLimit, options),
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
  const lag = sample.maxSendLagMs === undefined ? '' : `, generator lag max ${fixed(sample.maxSendLagMs, 1)} ms`;
  return (
    `${row.label} @${row.rate === null ? row.connections : `${row.rate}/s`}: ${fixed(sample.rps, 0)} req/s, ` +
    `p50 ${fixed(sample.p50, 2)} ms, p99 ${fixed(sample.p99, 2)} ms, ${fixed(sample.cpuUs, 0)} us CPU/req, ` +
    `${sample.errors} errors, ${fixed(sample.peakRssMiB, 0)} MiB${lag}` +
    (sample.firstError ? `\n    first error: ${sample.firstError}` : '')
  );
}

/**
 * Waits until the server is quiet (under a quarter of a core for 250 ms, at most 10 s): a closed
 * loop that stops leaves requests the server is still working on (100 creates in flight can take
 * seconds), and they would otherwise land in the next row's window. Returns the seconds waited.
 */
export async function settle(pid: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const busy = (cpuSeconds(pid) - before) / 0.25;
    const waited = (performance.now() - started) / 1000;
    if (busy < 0.25 || waited >= 10) return waited;
  }
}

/** One measured window of `row` (and its unmeasured warm-up, whose answers are checked too). */
async function window(
  row: Row,
  options: Options,
  beforeMeasured: () => Promise<void>,
): Promise<{ window: Window & { maxSendLagMs?: number }; warm: Window | null }> {
  const spec = { url: row.server.url, body: row.body, connections: row.connections, check: row.check };
  const pid = row.server.pid;
  if (row.rate !== null) {
    const open = { ...spec, rate: row.rate };
    const warm = options.warmupSeconds > 0 ? await measureOpenLoop(open, options.warmupSeconds, pid) : null;
    await beforeMeasured();
    return { warm, window: await measureOpenLoop(open, options.openLoopSeconds, pid) };
  }
  const warm = options.warmupSeconds > 0 ? await measure(spec, options.warmupSeconds, pid, true) : null;
  await beforeMeasured();
  return { warm, window: await measure(spec, options.seconds, pid) };
}

/** Measures every row once per round; `progress` gets one line per window. */
export async function runRounds(rows: readonly Row[], stack: Stack, options: Options, progress: (line: string) => void): Promise<Samples> {
  const samples: Samples = new Map(rows.map((row) => [row.key, []]));
  let latency = -1;
  let previous: ServerProcess | null = null;
  for (let round = 0; round < options.rounds; round++) {
    for (const row of rotation(rows, round, options.rounds)) {
      if (previous !== null) {
        const waited = await settle(previous.pid);
        if (waited >= 1) progress(`  (waited ${waited.toFixed(1)} s for ${previous.name} to finish the previous row's requests)`);
      }
      previous = row.server;
      const wanted = row.latencyMs ?? 0;
      if (wanted !== latency) await stack.control.setLatency((latency = wanted));
      // The warm-up is unmeasured, but its answers are checked like the others; the stats bracket the measured window only.
      let before: SimulatorStats = { get: 0, create: 0 };
      const measured = await window(row, options, async () => {
        before = await stack.control.stats();
      });
      const after = await stack.control.stats();
      const { window: w, warm } = measured;
      const calls = after.get - before.get + (after.create - before.create);
      const sample: Sample = {
        ...w,
        errors: w.errors + (warm?.errors ?? 0),
        firstError: w.firstError ?? warm?.firstError ?? null,
        upstreamPerRequest: w.requests > 0 ? calls / w.requests : Number.NaN,
      };
      samples.get(row.key)?.push(sample);
      progress(`  round ${round + 1}/${options.rounds} ${describe(row, sample)}`);
    }
  }
  await stack.control.setLatency(0);
  return samples;
}
