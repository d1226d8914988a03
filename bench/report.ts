// Turns the samples into the one table (medians of the rounds, ratios taken within each round,
// where they mean something) and judges the issue's targets, each with its figure.
import os from 'node:os';
import type { Coalescing } from './coalesce';
import type { Options } from './options';
import { RECOVERY_LIMIT_MIB, type Recovery } from './recovery';
import { CLIENT_READS, type ClientRead, type Row, type Samples, clientKey } from './rows';

export interface Extras {
  readonly idleRssMiB: number;
  readonly idleRssPgMiB: number | null;
  readonly coldStartsMs: readonly number[];
  readonly coldStartCommand: string;
  readonly coalescing: Coalescing;
  /** RSS after a create burst, per BFF. */
  readonly recoveries: readonly Recovery[];
  readonly clientSettings: readonly ClientSetting[];
}

/** What the client rows read, said once per database. */
export interface ClientSetting {
  readonly db: 'SQLite' | 'PostgreSQL';
  readonly viewers: number;
  readonly payments: number;
  readonly paid: number;
  readonly pending: number;
  readonly orders: number;
  readonly pages: number;
  /** Requests per second of the polling row. */
  readonly pollRate: number;
}

interface Summary {
  readonly row: Row;
  readonly rps: number;
  /** The lowest and highest throughput of the rounds: how steady the machine was. */
  readonly rpsRange: readonly [number, number];
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** The highest of the rounds: a peak is a peak. */
  readonly peakRssMiB: number;
  readonly cpuUs: number;
  readonly upstream: number;
  readonly ratio: number | null;
  readonly addedMs: number | null;
  readonly addedP99Ms: number | null;
}

export interface Target {
  readonly name: string;
  readonly figure: string;
  /** null: not measured in this run (e.g. no --postgres). */
  readonly met: boolean | null;
}

/** Issue 13's limits. */
const PEAK_RSS_LIMIT_MIB = 160;
const IDLE_RSS_LIMIT_MIB = 100;
const CPU_PER_CREATE_LIMIT_US = 1500;
const OPEN_LOOP_ADDED_P99_LIMIT_MS = 15;
/** Issue 18's targets for the client's documents, against M on the same database. */
const CLIENT_PAYMENT_TO_M = 1.3;
const CLIENT_ORDER_TO_M = 1.3;
const CLIENT_PAGE_TO_M = 1.0;
const CLIENT_PAYMENT_CPU_LIMIT_US = 250;

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median over rounds of a's throughput divided by b's in the same round. */
export function ratio(samples: Samples, a: string, b: string): number {
  const top = samples.get(a) ?? [];
  const bottom = samples.get(b) ?? [];
  return median(top.map((sample, round) => sample.rps / (bottom[round]?.rps ?? Number.NaN)));
}

export function summarise(rows: readonly Row[], samples: Samples): Summary[] {
  return rows.map((row) => {
    const own = samples.get(row.key) ?? [];
    const pick = (read: (sample: (typeof own)[number]) => number): number => median(own.map(read));
    const p50 = pick((s) => s.p50);
    return {
      row,
      rps: pick((s) => s.rps),
      rpsRange: [Math.min(...own.map((s) => s.rps)), Math.max(...own.map((s) => s.rps))],
      p50,
      p99: pick((s) => s.p99),
      errors: own.reduce((sum, s) => sum + s.errors, 0),
      peakRssMiB: Math.max(...own.map((s) => s.peakRssMiB)),
      cpuUs: pick((s) => s.cpuUs),
      upstream: pick((s) => s.upstreamPerRequest),
      ratio: row.baseline === null ? null : ratio(samples, row.key, row.baseline),
      addedMs: row.latencyMs === null ? null : p50 - row.latencyMs,
      addedP99Ms: row.latencyMs === null ? null : pick((s) => s.p99) - row.latencyMs,
    };
  });
}

const fixed = (value: number | null, digits: number, suffix = ''): string =>
  value === null || !Number.isFinite(value) ? '-' : `${value.toFixed(digits)}${suffix}`;

/** A markdown table with padded columns: readable in a terminal, pasteable into BENCHMARKS.md. */
function markdownTable(header: readonly string[], body: readonly string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((line) => line[column].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

/** The rows of the run as a Markdown table. */
export function renderRows(summaries: readonly Summary[]): string {
  const header = [
    'contender, workload',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'peak RSS MiB',
    'CPU us/req',
    'Cashii calls/req',
    'x baseline',
    'p50 - Cashii ms',
    'p99 - Cashii ms',
  ];
  const body = summaries.map((s) => [
    s.row.label,
    s.row.rate === null ? String(s.row.connections) : 'open',
    fixed(s.rps, 0),
    fixed(s.p50, 2),
    fixed(s.p99, 2),
    String(s.errors),
    fixed(s.peakRssMiB, 0),
    fixed(s.cpuUs, 0),
    // L, Y and M never call Cashii: what the simulator sees meanwhile is the BFFs' reconciler.
    s.row.workload === 'read' ? '-' : fixed(s.upstream, 3),
    // An open loop answers its schedule's rate whoever serves it: no throughput ratio.
    s.row.rate === null ? fixed(s.ratio, 2) : '-',
    fixed(s.addedMs, 2),
    fixed(s.addedP99Ms, 2),
  ]);
  return markdownTable(header, body);
}

const CLIENT_READ_NAMES: Record<ClientRead, string> = {
  'payment-paid': '`Payment`, PAID',
  'payment-pending-0': '`Payment`, PENDING, Cashii 0 ms',
  'payment-pending-slow': '`Payment`, PENDING, Cashii slow',
  order: '`Order` (PAID)',
  payments: '`Payments`, page of 20',
  poll: '`Payment` polled (open loop)',
};

/** The lead table: each client read on each database, the BFF beside M, ratios taken within each round. */
export function renderClientTable(summaries: readonly Summary[], options: Options): string {
  const by = (key: string): Summary | undefined => summaries.find((s) => s.row.key === key);
  const body: string[][] = [];
  for (const [db, bffTag, mTag] of [
    ['SQLite', 'BFF', 'M'],
    ['PostgreSQL', 'BFF-pg', 'M-pg'],
  ] as const) {
    for (const read of CLIENT_READS) {
      const bff = by(clientKey(bffTag, read));
      const m = by(clientKey(mTag, read));
      if (bff === undefined && m === undefined) continue;
      const name =
        read === 'payment-pending-slow'
          ? CLIENT_READ_NAMES[read].replace('slow', `${options.upstreamLatencyMs} ms`)
          : read === 'poll'
            ? `\`Payment\` polled every ${options.pollIntervalMs} ms, PENDING, Cashii ${options.upstreamLatencyMs} ms (open loop)`
            : CLIENT_READ_NAMES[read];
      const open = read === 'poll';
      body.push([
        name,
        db,
        fixed(bff?.rps ?? null, 0),
        fixed(bff?.p50 ?? null, 2),
        fixed(bff?.p99 ?? null, 2),
        fixed(bff?.cpuUs ?? null, 0),
        fixed(m?.rps ?? null, 0),
        fixed(m?.p99 ?? null, 2),
        fixed(m?.cpuUs ?? null, 0),
        // An open loop answers its schedule's rate: throughput says nothing there, p99 and CPU do.
        open ? '-' : fixed(bff?.ratio ?? null, 2, 'x'),
        fixed(bff?.upstream ?? null, 3),
        String((bff?.errors ?? 0) + (m?.errors ?? 0)),
      ]);
    }
  }
  return markdownTable(
    [
      'client read',
      'database',
      'BFF req/s',
      'BFF p50 ms',
      'BFF p99 ms',
      'BFF CPU us/req',
      'M req/s',
      'M p99 ms',
      'M CPU us/req',
      'BFF / M',
      'BFF Cashii calls/req',
      'errors',
    ],
    body,
  );
}

/** How the client rows were made, in words. */
export function describeClientRows(settings: readonly ClientSetting[], options: Options): string {
  const populations = settings
    .map(
      (s) =>
        `${s.db}: ${s.viewers} viewers, ${s.payments} payments (${s.paid} PAID over ${s.viewers} viewers, ${s.pending} PENDING, one per viewer; ` +
        `${s.orders} paid orders; ${s.pages} viewers with a full first page), polling ${s.pending} clients = ${fixed(s.pollRate, 0)} req/s`,
    )
    .join('; ');
  return (
    "Client rows: the shipped client's operations (`Payment`, `Order`, `Payments`) with the bodies of Apollo's persisted-query manifest " +
    '(client/src/gql/persisted-query-manifest.json), POSTed as Apollo Client 4 sends them ({operationName, variables, extensions, query}, its accept header), ' +
    `every variable given ($locale included), each request a random viewer (its own JWT) and one of its own payments, orders or its first page, at ${options.connections} connections; ` +
    `every answer compared byte for byte with the BFF's answer read at seeding, but for updatedAt and verifiedAt (confirmations with Cashii move them: every PENDING read, the reconciler's settled checks of a PAID payment). ${populations}. ` +
    '"BFF / M" is the median of per-round throughput ratios; M is mercurius 16 + graphql-jit over the same schema, context and database.'
  );
}

export function renderTable(summaries: readonly Summary[], extras: Extras, options: Options): string {
  const c = extras.coalescing;
  const mode = options.quick ? '--quick: 1 round, figures are not judged' : `${options.rounds} rounds`;
  const idlePg = extras.idleRssPgMiB === null ? '' : `; BFF-pg ${fixed(extras.idleRssPgMiB, 0)} MiB`;
  return [
    `Cashii BFF benchmark: node ${process.version}, ${os.availableParallelism()} CPUs, ${mode}, ` +
      `${options.seconds} s per row per round after ${options.warmupSeconds} s warm-up, order rotated each round; ` +
      `open-loop rows: ${options.openLoopRate} creates/s for ${options.openLoopSeconds} s, latency from each request's scheduled departure.`,
    'Figures are medians of the rounds; "x baseline" is the median of per-round throughput ratios to the baseline in the same round: M for the client rows ' +
      '(on the same database), L for the one-hot-id Read, LC for creates at the same Cashii latency (BFF-pg rows too: LC writes SQLite); ' +
      'peak RSS is the highest of the rounds; CPU is the server process only. "conns" open: a fixed arrival rate, sockets opened as needed.',
    'Y, M and the BFF run NODE_ENV=production, LOG_LEVEL=silent, STATUS_TTL_MS=0 (every PENDING read is stale and ' +
      'waits for a confirmation with Cashii; concurrent reads may share one GET), PAID_STATUS_TTL_MS=86400000 (the PAID read never calls Cashii), JWT auth (HS256), create rate limits ' +
      'raised out of reach, reconciler on (defaults; its background checks are in "Cashii calls/req").',
    '',
    describeClientRows(extras.clientSettings, options),
    '',
    renderClientTable(summaries, options),
    '',
    'Every row:',
    '',
    renderRows(summaries),
    '',
    ...steadiness(summaries, options),
    `- BFF idle RSS (after start and seeding, before load): ${fixed(extras.idleRssMiB, 0)} MiB${idlePg}`,
    ...extras.recoveries.map(
      (r) =>
        `- ${r.label} RSS after a create burst (${options.createConnections} connections, ${options.seconds} s, Cashii 0 ms, ` +
        `${r.creates} creates, ${r.errors} errors): peak ${fixed(r.peakRssMiB, 0)} MiB, ${fixed(r.endRssMiB, 0)} MiB at its end, ` +
        (r.underAfterSeconds === null
          ? `still ${fixed(r.lastRssMiB, 0)} MiB after ${fixed(r.watchedSeconds, 1)} s`
          : `under ${RECOVERY_LIMIT_MIB} MiB after ${fixed(r.underAfterSeconds, 1)} s (${fixed(r.lastRssMiB, 0)} MiB)`),
    ),
    `- BFF cold start to first answer (\`${extras.coldStartCommand}\`, fresh SQLite, built-in simulator): ` +
      `median ${fixed(median(extras.coldStartsMs), 0)} ms (${extras.coldStartsMs.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
    `- Coalescing: ${c.clients} clients polling one PENDING payment for ${c.seconds.toFixed(1)} s, STATUS_TTL_MS=2000, Cashii 0 ms: ` +
      `${c.gets} Cashii GETs = ${fixed(c.gets / c.windows, 2)} per TTL window (${c.requests} answers, ` +
      `p50 ${fixed(c.p50, 1)} ms, p99 ${fixed(c.p99, 1)} ms, ${c.errors} errors)`,
  ].join('\n');
}

/** Above this max/min spread of a limit's throughput across rounds, the machine was too busy for ratios to mean much. */
const STEADY_SPREAD = 1.25;

/** How much the limits (L, LC) moved between rounds: the run's own measure of a shared machine's noise. */
function steadiness(summaries: readonly Summary[], options: Options): string[] {
  if (options.rounds < 2) return [];
  return summaries
    .filter((s) => s.row.baseline === s.row.key && s.row.rate === null && s.row.connections > 1)
    .map((s) => {
      const [low, high] = s.rpsRange;
      const spread = high / low;
      const verdict =
        spread > STEADY_SPREAD
          ? `spread ${fixed(spread, 2)}x: the machine was busy, ratios to this limit are unreliable in this run`
          : `spread ${fixed(spread, 2)}x: steady`;
      return `- Steadiness: ${s.row.label} @${s.row.connections} answered ${fixed(low, 0)} to ${fixed(high, 0)} req/s across the rounds (${verdict})`;
    });
}

const all = (values: ReadonlyArray<boolean | null>): boolean | null =>
  values.includes(false) ? false : values.includes(null) ? null : values.length > 0;

/** Issues 13's and 18's targets, each with its figure from this run. */
export function judgeTargets(summaries: readonly Summary[], samples: Samples, extras: Extras, options: Options): Target[] {
  const c = options.connections;
  const slow = options.upstreamLatencyMs;
  const by = (key: string): Summary | undefined => summaries.find((s) => s.row.key === key);
  const hasPg = summaries.some((s) => s.row.key.startsWith('BFF-pg/'));
  const within = (value: number, limit: number): boolean => Number.isFinite(value) && value <= limit;
  const atLeast = (value: number, limit: number): boolean => Number.isFinite(value) && value >= limit;
  const ms = (us: number | undefined): string => fixed((us ?? Number.NaN) / 1000, 2);

  // A limit whose throughput moved a lot between rounds makes ratios to it unreliable: say so.
  const unsteady = (key: string): string => {
    const range = by(key)?.rpsRange;
    return options.rounds > 1 && range !== undefined && range[1] / range[0] > STEADY_SPREAD
      ? ` [unreliable: ${by(key)?.row.label.split(' ')[0]} moved ${fixed(range[0], 0)} to ${fixed(range[1], 0)} req/s across rounds]`
      : '';
  };

  // Creates against LC, the create limit, on SQLite, closed loop.
  const toLC = [0, slow].map((latency) => ({
    latency,
    ratio: ratio(samples, `BFF/create/${latency}`, `LC/create/${latency}`),
    bff: by(`BFF/create/${latency}`)?.rps ?? Number.NaN,
    limit: by(`LC/create/${latency}`)?.rps ?? Number.NaN,
  }));

  // CPU per create, closed loop at the create connections.
  const cpu = (tag: string): number[] => [0, slow].map((latency) => by(`${tag}/create/${latency}`)?.cpuUs ?? Number.NaN);
  const cpuSqlite = cpu('BFF');
  const cpuPg = hasPg ? cpu('BFF-pg') : null;

  // Open loop: p99 over Cashii's latency.
  const open = (tag: string): number[] => [0, slow].map((latency) => by(`${tag}/open/${latency}`)?.addedP99Ms ?? Number.NaN);
  const openSqlite = open('BFF');
  const openPg = hasPg ? open('BFF-pg') : null;
  const openLimit = open('LC');

  // Client reads against M on the same database, per round (issue 18).
  const dbs = [{ db: 'SQLite', bff: 'BFF', m: 'M' }, ...(hasPg ? [{ db: 'PostgreSQL', bff: 'BFF-pg', m: 'M-pg' }] : [])];
  const toM = (read: ClientRead): Array<{ db: string; ratio: number; p99: number; mP99: number }> =>
    dbs.map((d) => ({
      db: d.db,
      ratio: ratio(samples, clientKey(d.bff, read), clientKey(d.m, read)),
      p99: by(clientKey(d.bff, read))?.p99 ?? Number.NaN,
      mP99: by(clientKey(d.m, read))?.p99 ?? Number.NaN,
    }));
  const paidToM = toM('payment-paid');
  const orderToM = toM('order');
  const pageToM = toM('payments');
  const paymentCpu = by(clientKey('BFF', 'payment-paid'))?.cpuUs ?? Number.NaN;
  const pgMissing = hasPg ? '' : '; PostgreSQL not measured (run with --postgres)';
  const ratios = (list: ReturnType<typeof toM>): string => list.map((r) => `${r.db} ${fixed(r.ratio, 2)}x M`).join(', ');

  // The one-hot-id Read (secondary), against M and Y in the same round.
  const hot = `BFF/terminal/${c}`;
  const hotToM = ratio(samples, hot, `M/read/${c}`);
  const hotToY = ratio(samples, hot, `Y/read/${c}`);

  // Memory.
  const bffRows = summaries.filter((s) => s.row.label.startsWith('BFF'));
  const peaks = [
    ...bffRows.map((s) => ({ what: `${s.row.label} @${s.row.rate === null ? s.row.connections : 'open'}`, mib: s.peakRssMiB })),
    ...extras.recoveries.map((r) => ({ what: `${r.label} create burst`, mib: r.peakRssMiB })),
  ];
  const highest = peaks.reduce((top, p) => (p.mib > top.mib ? p : top), { what: '-', mib: Number.NEGATIVE_INFINITY });
  const over = peaks.filter((p) => p.mib > PEAK_RSS_LIMIT_MIB).length;
  const idle = [
    { what: 'SQLite', mib: extras.idleRssMiB },
    ...(extras.idleRssPgMiB === null ? [] : [{ what: 'PostgreSQL', mib: extras.idleRssPgMiB }]),
  ];

  const co = extras.coalescing;
  const allowedGets = Math.floor(co.windows) + 1;
  const cold = median(extras.coldStartsMs);
  const signed = (values: readonly number[]): string => values.map((v) => (Number.isFinite(v) ? `+${v.toFixed(2)}` : '-')).join(' / ');

  return [
    {
      name: `client Payment (PAID) at ${c} connections >= ${CLIENT_PAYMENT_TO_M}x M and p99 <= M's p99 on both databases`,
      figure:
        paidToM.map((r) => `${r.db} ${fixed(r.ratio, 2)}x M, p99 ${fixed(r.p99, 2)} ms vs M ${fixed(r.mP99, 2)} ms`).join('; ') + pgMissing,
      met: all([...paidToM.map((r) => atLeast(r.ratio, CLIENT_PAYMENT_TO_M) && within(r.p99, r.mP99)), ...(hasPg ? [] : [null])]),
    },
    {
      name: `client Order at ${c} connections >= ${CLIENT_ORDER_TO_M}x M on both databases`,
      figure: ratios(orderToM) + pgMissing,
      met: all([...orderToM.map((r) => atLeast(r.ratio, CLIENT_ORDER_TO_M)), ...(hasPg ? [] : [null])]),
    },
    {
      name: `client Payments page of 20 at ${c} connections >= ${CLIENT_PAGE_TO_M}x M on both databases`,
      figure: ratios(pageToM) + pgMissing,
      met: all([...pageToM.map((r) => atLeast(r.ratio, CLIENT_PAGE_TO_M)), ...(hasPg ? [] : [null])]),
    },
    {
      name: `CPU per client Payment (PAID) read <= ${CLIENT_PAYMENT_CPU_LIMIT_US} us on SQLite`,
      figure: `${fixed(paymentCpu, 0)} us (M ${fixed(by(clientKey('M', 'payment-paid'))?.cpuUs ?? null, 0)} us)`,
      met: within(paymentCpu, CLIENT_PAYMENT_CPU_LIMIT_US),
    },
    {
      name: `secondary: the one-hot-id Read at ${c} connections >= 1.0x M and >= Y (issue 13)`,
      figure: `${fixed(hotToM, 2)}x M, ${fixed(hotToY, 2)}x Y` + unsteady(`L/read/${c}`),
      met: atLeast(hotToM, 1) && atLeast(hotToY, 1),
    },
    {
      name: `creates/s at ${options.createConnections} connections on SQLite >= 0.5x LC (the create limit)`,
      figure: toLC
        .map(
          (t) =>
            `Cashii ${t.latency} ms: ${fixed(t.ratio, 2)}x LC (${fixed(t.bff, 0)} vs ${fixed(t.limit, 0)} creates/s)${unsteady(`LC/create/${t.latency}`)}`,
        )
        .join('; '),
      met: all(toLC.map((t) => atLeast(t.ratio, 0.5))),
    },
    {
      name: `CPU per create <= ${CPU_PER_CREATE_LIMIT_US / 1000} ms on SQLite and PostgreSQL`,
      figure:
        `SQLite ${cpuSqlite.map(ms).join(' / ')} ms, ` +
        (cpuPg === null ? 'PostgreSQL not measured (run with --postgres)' : `PostgreSQL ${cpuPg.map(ms).join(' / ')} ms`) +
        ` (${options.createConnections} connections, Cashii 0 / ${slow} ms)`,
      met: all([
        ...cpuSqlite.map((v) => within(v, CPU_PER_CREATE_LIMIT_US)),
        ...(cpuPg === null ? [null] : cpuPg.map((v) => within(v, CPU_PER_CREATE_LIMIT_US))),
      ]),
    },
    {
      name: `open loop (${options.openLoopRate} creates/s): p99 - Cashii latency <= ${OPEN_LOOP_ADDED_P99_LIMIT_MS} ms on both databases`,
      figure:
        `SQLite ${signed(openSqlite)} ms, ` +
        (openPg === null ? 'PostgreSQL not measured' : `PostgreSQL ${signed(openPg)} ms`) +
        ` (Cashii 0 / ${slow} ms; LC ${signed(openLimit)} ms)`,
      met: all([
        ...openSqlite.map((v) => within(v, OPEN_LOOP_ADDED_P99_LIMIT_MS)),
        ...(openPg === null ? [null] : openPg.map((v) => within(v, OPEN_LOOP_ADDED_P99_LIMIT_MS))),
      ]),
    },
    {
      name: `peak RSS <= ${PEAK_RSS_LIMIT_MIB} MiB on every BFF row`,
      figure: `highest ${fixed(highest.mib, 0)} MiB (${highest.what}); ${over} of ${peaks.length} over`,
      met: peaks.length > 0 && over === 0,
    },
    {
      name: `idle RSS <= ${IDLE_RSS_LIMIT_MIB} MiB`,
      figure: idle.map((i) => `${i.what} ${fixed(i.mib, 0)} MiB`).join(', '),
      met: idle.every((i) => within(i.mib, IDLE_RSS_LIMIT_MIB)),
    },
    {
      name: `RSS back under ${RECOVERY_LIMIT_MIB} MiB within ${options.recoverySeconds} s after creates`,
      figure: extras.recoveries
        .map((r) =>
          r.underAfterSeconds === null
            ? `${r.label}: still ${fixed(r.lastRssMiB, 0)} MiB after ${fixed(r.watchedSeconds, 0)} s`
            : `${r.label}: after ${fixed(r.underAfterSeconds, 1)} s`,
        )
        .join('; '),
      met: extras.recoveries.length > 0 && extras.recoveries.every((r) => r.underAfterSeconds !== null),
    },
    {
      name: 'Cashii GETs for one pending id <= one per TTL',
      figure: `${co.gets} GETs in ${co.seconds.toFixed(1)} s (${fixed(co.gets / co.windows, 2)} per TTL; allowed ${allowedGets})`,
      met: co.gets <= allowedGets,
    },
    { name: 'cold start <= 1.5 s', figure: `${fixed(cold, 0)} ms`, met: within(cold, 1500) },
  ];
}

export function renderTargets(targets: readonly Target[], options: Options): string {
  const verdict = (t: Target): string => (options.quick ? 'not judged' : t.met === null ? 'NOT MEASURED' : t.met ? 'MET' : 'MISSED');
  const lines = targets.map((t) => `- ${verdict(t)}: ${t.name}: ${t.figure}`);
  return ['Targets (issues 18 and 13)' + (options.quick ? ', not judged in --quick mode:' : ':'), ...lines].join('\n');
}
