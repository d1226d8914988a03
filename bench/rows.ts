// The rows of the table (contender x workload x connections) and the rounds that measure them:
// every row once per round, the order rotated each round so no contender always runs first.
// The client rows lead: the shipped client's documents, a random (viewer, own payment) per
// request, the BFF against M on each database; the one-hot-id `Read` is one secondary row.
import { CREATE_BODY, type Shot, type SimulatorStats, created, exactlyButConfirmationTimes, readBody, shot } from './graphql';
import { type Window, measure } from './load';
import { measureOpenLoop } from './open-loop';
import { cpuSeconds } from './probe';
import { metricValue } from './soak-probes';
import type { Options } from './options';
import type { Population } from './population';
import type { Stack } from './stack';
import type { ServerProcess } from './proc';

export type Workload = 'read' | 'terminal' | 'create' | 'client';

/** The client rows, by what they read. */
export type ClientRead = 'payment-paid' | 'payment-pending-0' | 'payment-pending-slow' | 'order' | 'payments' | 'poll';

export const CLIENT_READS: readonly ClientRead[] = [
  'payment-paid',
  'payment-pending-0',
  'payment-pending-slow',
  'order',
  'payments',
  'poll',
];

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
  /**
   * What the row sends: one of these at random per request (closed loop), or each in turn (open
   * loop: virtual clients on one schedule). Each carries the check of its answer.
   */
  readonly shots: readonly Shot[];
  /** The row whose throughput this row is compared with, in the same round: L for the Read, LC for creates, M for client rows. */
  readonly baseline: string | null;
  /** Client rows: what they read, on which database, by whom. */
  readonly client?: { readonly read: ClientRead; readonly db: 'SQLite' | 'PostgreSQL'; readonly contender: 'BFF' | 'M' };
}

export interface Sample extends Window {
  /** Cashii calls (GET and create) seen by the simulator per answered request. */
  readonly upstreamPerRequest: number;
  /** Open loop only: the generator's largest delay behind its schedule, ms. */
  readonly maxSendLagMs?: number;
}

export type Samples = Map<string, Sample[]>;

/** The key of a client row: `<tag>/client/<read>`, tag BFF, M, BFF-pg or M-pg. */
export const clientKey = (tag: string, read: ClientRead): string => `${tag}/client/${read}`;

/** Polling: every PENDING payment of the population has one virtual client, re-reading it every `pollIntervalMs`. */
export const pollRate = (population: Population, options: Options): number => (population.pending.length * 1000) / options.pollIntervalMs;

/** The client rows of one contender over one population. */
function clientRows(
  contender: 'BFF' | 'M',
  server: ServerProcess,
  population: Population,
  db: 'SQLite' | 'PostgreSQL',
  options: Options,
): Row[] {
  const tag = `${contender}${db === 'PostgreSQL' ? '-pg' : ''}`;
  const slow = options.upstreamLatencyMs;
  const c = options.connections;
  const base = { workload: 'client' as const, server, connections: c, rate: null };
  const row = (read: ClientRead, label: string, rest: Pick<Row, 'shots' | 'latencyMs'> & Partial<Row>): Row => ({
    ...base,
    key: clientKey(tag, read),
    label: `${tag} ${label}`,
    baseline: contender === 'BFF' ? clientKey(db === 'PostgreSQL' ? 'M-pg' : 'M', read) : null,
    client: { read, db, contender },
    ...rest,
  });
  const polled = population.pending.length;
  return [
    row('payment-paid', 'client Payment, PAID', { shots: population.paid, latencyMs: null }),
    row('payment-pending-0', 'client Payment, PENDING, Cashii 0 ms', { shots: population.pending, latencyMs: 0 }),
    row('payment-pending-slow', `client Payment, PENDING, Cashii ${slow} ms`, { shots: population.pending, latencyMs: slow }),
    row('order', 'client Order, PAID', { shots: population.orders, latencyMs: null }),
    row('payments', 'client Payments, page of 20', { shots: population.pages, latencyMs: null }),
    row('poll', `client Payment polled by ${polled} clients every ${options.pollIntervalMs} ms, PENDING, Cashii ${slow} ms`, {
      shots: population.pending,
      latencyMs: slow,
      connections: 0,
      rate: pollRate(population, options),
    }),
  ];
}

function createRows(server: ServerProcess, openServer: ServerProcess, tag: string, options: Options): Row[] {
  const rows: Row[] = [0, options.upstreamLatencyMs].map((latencyMs) => ({
    key: `${tag}/create/${latencyMs}`,
    label: `${tag} createRemotePayment, Cashii ${latencyMs} ms`,
    workload: 'create',
    server,
    connections: options.createConnections,
    rate: null,
    latencyMs,
    shots: [shot(CREATE_BODY, created)],
    baseline: `LC/create/${latencyMs}`,
  }));
  return [...rows, ...openLoopRows(tag, openServer, options)];
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
    shots: [shot(CREATE_BODY, created)],
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
    shots: [shot(CREATE_BODY, created)],
    baseline: `LC/create/${latencyMs}`,
  }));
  return [...closed, ...openLoopRows('LC', server, options)];
}

/** The secondary row: the bench's own 5-field `Read` of one hot PAID id, for L, Y, M and the BFF. */
function hotReadRows(stack: Stack, options: Options): Row[] {
  const c = options.connections;
  // Its settled checks (a minute after it was paid, ...) move updatedAt while the rows run.
  const read = [shot(readBody(stack.bff.paidId), exactlyButConfirmationTimes(stack.bff.reference))];
  const limitKey = `L/read/${c}`;
  const row = (key: string, label: string, server: ServerProcess, workload: Workload): Row => ({
    key,
    label,
    workload,
    server,
    connections: c,
    rate: null,
    latencyMs: null,
    shots: read,
    baseline: limitKey,
  });
  return [
    row(limitKey, 'L node:http + prepared get (Read, one hot id)', stack.limit, 'read'),
    row(`Y/read/${c}`, 'Y graphql-yoga 5 (Read, one hot id)', stack.yoga, 'read'),
    row(`M/read/${c}`, 'M mercurius 16 + graphql-jit (Read, one hot id)', stack.mercurius, 'read'),
    row(`BFF/terminal/${c}`, 'BFF Read, one hot id, PAID', stack.bff.server, 'terminal'),
  ];
}

/** Every row of the run, in table order: the client rows first. */
export function buildRows(stack: Stack, options: Options): Row[] {
  const rows: Row[] = [
    ...clientRows('BFF', stack.bff.server, stack.population, 'SQLite', options),
    ...clientRows('M', stack.mercurius, stack.population, 'SQLite', options),
  ];
  if (stack.bffPg !== null && stack.mercuriusPg !== null && stack.populationPg !== null) {
    rows.push(
      ...clientRows('BFF', stack.bffPg.server, stack.populationPg, 'PostgreSQL', options),
      ...clientRows('M', stack.mercuriusPg, stack.populationPg, 'PostgreSQL', options),
    );
  }
  rows.push(
    ...hotReadRows(stack, options),
    ...createLimitRows(stack.createLimit, options),
    ...createRows(stack.bffCreates, stack.bffOpen, 'BFF', options),
  );
  if (stack.bffPgCreates && stack.bffPgOpen) rows.push(...createRows(stack.bffPgCreates, stack.bffPgOpen, 'BFF-pg', options));
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

/**
 * Waits (up to `limitS`) until the BFF at `url` reports no reconciler check due. A create BFF's
 * reconciler is paused while the other rows run (Stack.background); the checks that came due
 * meanwhile would all run in its next window, a burst no deployment taking creates steadily sees.
 * Returns the seconds waited.
 */
export async function drainReconciler(url: string, limitS = 60): Promise<number> {
  const started = performance.now();
  for (;;) {
    const text = await fetch(new URL('/metrics', url)).then((response) => response.text());
    const backlog = metricValue(text, 'bff_reconciler_backlog');
    const waited = (performance.now() - started) / 1000;
    if (!(backlog > 0) || waited >= limitS) return waited;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One measured window of `row` (and its unmeasured warm-up, whose answers are checked too). */
async function window(
  row: Row,
  options: Options,
  beforeMeasured: () => Promise<void>,
): Promise<{ window: Window & { maxSendLagMs?: number }; warm: Window | null }> {
  const [only] = row.shots;
  const spec =
    row.shots.length === 1
      ? { url: row.server.url, body: only.body, connections: row.connections, check: only.check }
      : { url: row.server.url, shots: row.shots, connections: row.connections };
  const pid = row.server.pid;
  if (row.rate !== null) {
    const open = { url: row.server.url, shots: row.shots, rate: row.rate };
    // Polling reads are cheap: their window is a closed row's; the create open loop keeps its own.
    const seconds = row.workload === 'client' ? options.seconds : options.openLoopSeconds;
    const warm = options.warmupSeconds > 0 ? await measureOpenLoop(open, options.warmupSeconds, pid) : null;
    await beforeMeasured();
    return { warm, window: await measureOpenLoop(open, seconds, pid) };
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
      // Their reconcilers stop first (each pass under way finishes), then the previous row's server settles.
      const paused = stack.background.filter((server) => server !== row.server);
      await Promise.all(paused.map((server) => server.background('pause')));
      if (previous !== null) {
        const waited = await settle(previous.pid);
        if (waited >= 1) progress(`  (waited ${waited.toFixed(1)} s for ${previous.name} to finish the previous row's requests)`);
      }
      previous = row.server;
      if (row.rate !== null && row.workload === 'create' && stack.background.includes(row.server)) {
        const waited = await drainReconciler(row.server.url);
        if (waited >= 1)
          progress(`  (waited ${waited.toFixed(1)} s for ${row.server.name}'s reconciler to check what came due while it was paused)`);
        await settle(row.server.pid);
      }
      const wanted = row.latencyMs ?? 0;
      if (wanted !== latency) await stack.control.setLatency((latency = wanted));
      // The warm-up is unmeasured, but its answers are checked like the others; the stats bracket the measured window only.
      let before: SimulatorStats = { get: 0, create: 0 };
      let measured: Awaited<ReturnType<typeof window>>;
      let after: SimulatorStats;
      try {
        measured = await window(row, options, async () => {
          before = await stack.control.stats();
        });
        after = await stack.control.stats();
      } finally {
        await Promise.all(paused.map((server) => server.background('resume')));
      }
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
