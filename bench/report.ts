// Turns the samples into the one table (medians of the rounds, ratios taken within each round,
// where they mean something) and judges the targets, each with its figure.
import os from 'node:os';
import type { Coalescing } from './coalesce';
import type { Options } from './options';
import type { Row, Samples } from './rows';

export interface Extras {
  readonly idleRssMiB: number;
  readonly coldStartsMs: readonly number[];
  readonly coldStartCommand: string;
  readonly coalescing: Coalescing;
}

interface Summary {
  readonly row: Row;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** The highest of the rounds: a peak is a peak. */
  readonly peakRssMiB: number;
  readonly cpuUs: number;
  readonly upstream: number;
  readonly ratio: number | null;
  readonly addedMs: number | null;
}

export interface Target {
  readonly name: string;
  readonly figure: string;
  readonly met: boolean;
}

/** 150 MB, the limit, in the MiB the table shows. */
const RSS_LIMIT_MIB = 150e6 / 2 ** 20;

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
      p50,
      p99: pick((s) => s.p99),
      errors: own.reduce((sum, s) => sum + s.errors, 0),
      peakRssMiB: Math.max(...own.map((s) => s.peakRssMiB)),
      cpuUs: pick((s) => s.cpuUs),
      upstream: pick((s) => s.upstreamPerRequest),
      ratio: row.baseline === null ? null : ratio(samples, row.key, row.baseline),
      addedMs: row.latencyMs === null ? null : p50 - row.latencyMs,
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

export function renderTable(summaries: readonly Summary[], extras: Extras, options: Options): string {
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
    'x L',
    'p50 - Cashii ms',
  ];
  const body = summaries.map((s) => [
    s.row.label,
    String(s.row.connections),
    fixed(s.rps, 0),
    fixed(s.p50, 2),
    fixed(s.p99, 2),
    String(s.errors),
    fixed(s.peakRssMiB, 0),
    fixed(s.cpuUs, 0),
    // L, Y and M never call Cashii: what the simulator sees meanwhile is the BFFs' reconciler.
    s.row.workload === 'read' ? '-' : fixed(s.upstream, 3),
    fixed(s.ratio, 2),
    fixed(s.addedMs, 2),
  ]);
  const c = extras.coalescing;
  const mode = options.quick ? '--quick: 1 round, figures are not judged' : `${options.rounds} rounds`;
  return [
    `Cashii BFF benchmark: node ${process.version}, ${os.availableParallelism()} CPUs, ${mode}, ` +
      `${options.seconds} s per row per round after ${options.warmupSeconds} s warm-up, order rotated each round.`,
    'Figures are medians of the rounds; "x L" is the median of per-round ratios to L at the same connection count ' +
      '(BFF-pg rows too: L reads SQLite); peak RSS is the highest of the rounds; CPU is the server process only.',
    'Y, M and the BFF run NODE_ENV=production, LOG_LEVEL=silent, STATUS_TTL_MS=0 (every PENDING read is stale and ' +
      'waits for a confirmation with Cashii; concurrent reads may share one GET), PAID_STATUS_TTL_MS=86400000 (the PAID read never calls Cashii), JWT auth (HS256), create rate limits ' +
      'raised out of reach, reconciler on (defaults; its background checks are in "Cashii calls/req").',
    '',
    markdownTable(header, body),
    '',
    `- BFF idle RSS (after start and seeding, before load): ${fixed(extras.idleRssMiB, 0)} MiB`,
    `- BFF cold start to first answer (\`${extras.coldStartCommand}\`, fresh SQLite, built-in simulator): ` +
      `median ${fixed(median(extras.coldStartsMs), 0)} ms (${extras.coldStartsMs.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
    `- Coalescing: ${c.clients} clients polling one PENDING payment for ${c.seconds.toFixed(1)} s, STATUS_TTL_MS=2000, Cashii 0 ms: ` +
      `${c.gets} Cashii GETs = ${fixed(c.gets / c.windows, 2)} per TTL window (${c.requests} answers, ` +
      `p50 ${fixed(c.p50, 1)} ms, p99 ${fixed(c.p99, 1)} ms, ${c.errors} errors)`,
  ].join('\n');
}

export function judgeTargets(summaries: readonly Summary[], samples: Samples, extras: Extras, options: Options): Target[] {
  const c = options.connections;
  const by = (key: string): Summary | undefined => summaries.find((s) => s.row.key === key);
  const toL = ratio(samples, `BFF/terminal/${c}`, `L/read/${c}`);
  const toY = ratio(samples, `BFF/terminal/${c}`, `Y/read/${c}`);
  const toM = ratio(samples, `BFF/terminal/${c}`, `M/read/${c}`);
  const p99 = by(`BFF/terminal/${c}`)?.p99 ?? Number.NaN;
  const limitP99 = 2 * (by(`L/read/${c}`)?.p99 ?? Number.NaN) + 1;
  const co = extras.coalescing;
  const allowedGets = Math.floor(co.windows) + 1;
  const creates = summaries.filter((s) => s.row.key.startsWith('BFF/create/'));
  const worstCreate = Math.max(...creates.map((s) => s.addedMs ?? Number.NaN));
  const loaded = summaries.filter((s) => s.row.label.startsWith('BFF'));
  const peak = Math.max(...loaded.map((s) => s.peakRssMiB));
  const cold = median(extras.coldStartsMs);
  return [
    { name: `terminal read >= 0.5x L (aim 0.65x)`, figure: `${fixed(toL, 2)}x L (aim ${toL >= 0.65 ? 'met' : 'missed'})`, met: toL >= 0.5 },
    { name: 'terminal read >= Y', figure: `${fixed(toY, 2)}x Y`, met: toY >= 1 },
    { name: 'terminal read >= 0.6x M', figure: `${fixed(toM, 2)}x M`, met: toM >= 0.6 },
    {
      name: `p99 at ${c} connections <= 2x L's p99 + 1 ms`,
      figure: `${fixed(p99, 2)} ms vs ${fixed(limitP99, 2)} ms`,
      met: p99 <= limitP99,
    },
    {
      name: 'Cashii GETs for one pending id <= one per TTL',
      figure: `${co.gets} GETs in ${co.seconds.toFixed(1)} s (${fixed(co.gets / co.windows, 2)} per TTL; allowed ${allowedGets})`,
      met: co.gets <= allowedGets,
    },
    {
      name: `create adds <= 3 ms p50 over Cashii at ${options.createConnections} concurrent`,
      figure: creates.map((s) => `Cashii ${s.row.latencyMs} ms: +${fixed(s.addedMs, 2)} ms`).join(', '),
      met: worstCreate <= 3,
    },
    { name: 'peak RSS under load <= 150 MB (143 MiB)', figure: `${fixed(peak, 0)} MiB (highest BFF row)`, met: peak <= RSS_LIMIT_MIB },
    { name: 'cold start <= 1.5 s', figure: `${fixed(cold, 0)} ms`, met: cold <= 1500 },
  ];
}

export function renderTargets(targets: readonly Target[], options: Options): string {
  const lines = targets.map((t) => `- ${options.quick ? 'not judged' : t.met ? 'MET' : 'MISSED'}: ${t.name}: ${t.figure}`);
  return ['Targets (issue 6)' + (options.quick ? ', not judged in --quick mode:' : ':'), ...lines].join('\n');
}
