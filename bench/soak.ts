// The mixed soak of issue 17 ("Steady under load"): the BFF as production runs it (compiled, the
// start script's Node flags, NODE_ENV=production, JWT auth, the Cashii simulator as its own HTTP
// server), on SQLite (one process) or on a fresh PostgreSQL database (N replicas, load spread over
// them), under an open-loop mixed load at a fixed rate from ~30 viewers, with 40 live
// subscriptions and shoppers on the hosted page (paying both tabs of a changed cart, and never
// coming back for some). Meanwhile /livez is probed every 100 ms and RSS / heap sampled (and every
// 30 s the RSS by kind of mapping, from /proc/<pid>/smaps: bench/soak-smaps.ts); at the end
// the reconciler gets a bounded time to catch up and the money invariant is checked against Cashii.
//
//   node -r @swc-node/register bench/soak.ts [--postgres [url]] [--replicas 2] [--minutes 5] [--rate 300]
//        [--shoppers 28] [--subscriptions 40] [--catch-up 60] [--cpu-prof] [--env KEY=VALUE ...]
//
// Exits 1 when a payment paid at Cashii went unnoticed or a request failed unexpectedly; the
// figures (/livez, RSS) are printed and judged in words, never fail the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { buildForChildren } from './build';
import { productionNodeFlags } from './node-flags';
import { createPgDatabase } from './pg';
import { type ServerProcess, onCleanup, shutdown, startServer } from './proc';
import { rssMiB } from './probe';
import { type MoneyCheck, type DatabaseTarget, cashiiSide, checkMoney } from './soak-money';
import { type LoadReport, OPS, SoakLoad } from './soak-load';
import { type LivezResult, type MemorySample, LivezProber, MemorySampler, type Probed } from './soak-probes';
import { type CpuProfile, longestTurns } from './soak-profile';
import { SmapsSampler, renderSmaps } from './soak-smaps';
import { shippedDocuments } from './soak-http';
import { percentile } from './load';
import { bffEnv, startBff, startSimulator } from './stack';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const progress = (line: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * Production settings except: the rate limits out of reach (30 viewers from one address), and a
 * reconciler that checks often enough for a bounded catch-up at the end (production: 1 s interval,
 * 2 s first check, 300 s longest gap). PAID_STATUS_TTL_MS is put back to its default (bffEnv sets a
 * day for the bench's terminal read).
 */
const SOAK_ENV: Readonly<Record<string, string>> = {
  PAID_STATUS_TTL_MS: '60000',
  RATE_LIMIT_CONFIRM_PER_VIEWER: '1000000',
  RECONCILER_INTERVAL_MS: '200',
  RECONCILER_BASE_DELAY_MS: '500',
  RECONCILER_MAX_DELAY_MS: '30000',
};

interface Options {
  readonly postgresUrl: string | null;
  readonly replicas: number;
  readonly minutes: number;
  readonly rate: number;
  readonly shoppers: number;
  readonly subscriptions: number;
  readonly catchUpSeconds: number;
  readonly cpuProf: boolean;
  /** Extra environment of the BFF processes (--env KEY=VALUE, repeatable), for an experiment. */
  readonly env: Record<string, string>;
}

function parseOptions(argv: readonly string[]): Options {
  const options = {
    postgresUrl: null as string | null,
    replicas: 1,
    minutes: 5,
    rate: 300,
    shoppers: 28,
    subscriptions: 40,
    catchUpSeconds: 60,
    cpuProf: false,
    env: {} as Record<string, string>,
  };
  const number = (i: number, name: string): number => {
    const value = Number(argv[i]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--postgres') options.postgresUrl = /^postgres(ql)?:\/\//.test(argv[i + 1] ?? '') ? argv[++i] : DEFAULT_PG;
    else if (arg === '--replicas') options.replicas = Math.round(number(++i, arg));
    else if (arg === '--minutes') options.minutes = number(++i, arg);
    else if (arg === '--rate') options.rate = number(++i, arg);
    else if (arg === '--shoppers') options.shoppers = Math.round(number(++i, arg));
    else if (arg === '--subscriptions') options.subscriptions = Math.round(number(++i, arg));
    else if (arg === '--catch-up') options.catchUpSeconds = number(++i, arg);
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--env' && /^\w+=/.test(argv[i + 1] ?? '')) {
      const [key, ...value] = argv[++i].split('=');
      options.env[key] = value.join('=');
    } else throw new Error(`unknown argument "${arg}" (see the comment at the top of bench/soak.ts)`);
  }
  if (options.replicas > 1 && options.postgresUrl === null)
    throw new Error('--replicas above 1 needs --postgres (SQLite: one process owns the file)');
  return options;
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(1) : '-');
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const seconds = options.minutes * 60;
  const db = options.postgresUrl === null ? 'SQLite' : `PostgreSQL, ${options.replicas} replica${options.replicas > 1 ? 's' : ''}`;
  const header = [
    `Cashii BFF soak: ${db}; ${options.rate} requests/s for ${options.minutes} min from ${options.shoppers} shoppers + 2 operators, ` +
      `${options.subscriptions} subscriptions; node ${process.version}, ${os.cpus().length} CPUs; load average at start ${loadAverage()} (1 / 5 / 15 min)`,
    `BFF: node ${productionNodeFlags().join(' ')}${options.cpuProf ? ' --cpu-prof' : ''}, NODE_ENV=production, JWT auth, LOG_LEVEL=silent, ` +
      Object.entries({ ...SOAK_ENV, ...options.env })
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  ];
  progress(header[0]);

  progress('compiling src/ and bench/servers/ for the child processes...');
  const build = await buildForChildren(ROOT);
  onCleanup(() => build.remove());
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-soak-'));
  onCleanup(() => fs.rmSync(workDir, { recursive: true, force: true }));
  const profileDir = options.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-soak-profiles-')) : null;

  const simulator = await startSimulator(build);
  let database: DatabaseTarget;
  let databaseUrl: string;
  if (options.postgresUrl === null) {
    const file = path.join(workDir, 'soak.sqlite');
    database = { kind: 'sqlite', file };
    databaseUrl = `sqlite:${file}`;
  } else {
    const pg = await createPgDatabase(options.postgresUrl);
    onCleanup(() => pg.drop());
    database = { kind: 'postgres', url: pg.url };
    databaseUrl = pg.url;
    progress(`fresh database ${new URL(pg.url).pathname.slice(1)} (dropped at the end)`);
  }
  const servers: ServerProcess[] = [];
  for (let i = 0; i < options.replicas; i++) {
    const name = options.postgresUrl === null ? 'BFF' : `BFF-pg-${i + 1}`;
    const env = bffEnv(simulator.url, databaseUrl, {
      ...SOAK_ENV,
      ...options.env,
      CREATE_JOURNAL_FILE: path.join(workDir, `journal-${i + 1}.log`),
    });
    const flags = [...productionNodeFlags(), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    servers.push(profileDir ? await startServer(name, build.entry('bench/servers/bff.ts'), env, flags) : await startBff(name, build, env));
    progress(`${name} ready at ${servers[i].url} (pid ${servers[i].pid})`);
  }
  const processes: Probed[] = servers.map((s) => ({ name: s.name, pid: s.pid, baseUrl: s.url.replace(/\/graphql$/, '') }));

  const load = new SoakLoad(
    ROOT,
    servers.map((s) => s.url),
    { rate: options.rate, shoppers: options.shoppers, subscriptions: options.subscriptions },
  );
  await load.connectSubscriptions();
  const idle = processes.map((p) => `${p.name} ${rssMiB(p.pid).toFixed(0)} MiB`).join(', ');

  progress(`load for ${seconds} s...`);
  const t0 = Date.now();
  const prober = new LivezProber(processes, t0);
  const others: Probed[] = [
    { name: 'simulator', pid: simulator.pid, baseUrl: simulator.url },
    { name: 'load generator', pid: process.pid, baseUrl: '' },
  ];
  const sampler = new MemorySampler(processes, t0, others);
  const smaps = new SmapsSampler(processes, t0);
  const minuteTimer = setInterval(
    () => progress(`  ${((Date.now() - t0) / 60_000).toFixed(0)} min, load average ${loadAverage()}`),
    60_000,
  );
  let report: LoadReport;
  try {
    report = await load.run(seconds);
  } finally {
    clearInterval(minuteTimer);
  }
  await sampler.stop();
  await smaps.stop();
  const livez = await prober.stop();
  await load.close();
  const loadAtEnd = loadAverage();

  progress('load done; asking Cashii (the simulator) about every payment, then waiting for the reconciler...');
  const moneyOptions = {
    database,
    simulatorUrl: simulator.url,
    graphqlUrl: servers[0].url,
    operatorAuthorization: load.operatorAuthorization,
    reviewQueueDoc: shippedDocuments(ROOT).get('ReviewQueue')!,
    knownIds: load.knownIds,
  };
  const endedAt = Date.now();
  const cashii = await cashiiSide(moneyOptions);
  const checks: MoneyCheck[] = [];
  for (;;) {
    const check = await checkMoney(moneyOptions, cashii.statuses, (Date.now() - endedAt) / 1000);
    checks.push(check);
    progress(`  +${check.t.toFixed(0)} s: ${check.unnoticed} paid at Cashii and unnoticed`);
    if (check.unnoticed === 0 || check.t >= options.catchUpSeconds) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }

  // Stopping the BFFs writes their CPU profiles.
  for (const server of servers) await server.stop();
  const profiles: string[] = [];
  if (profileDir) {
    for (const file of fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
      profiles.push('', `CPU profile ${path.join(profileDir, file)}:`, ...longestTurns(profile, `${build.dir}/`));
    }
  }

  const lines = [
    ...header,
    `idle RSS after start: ${idle}; load average at the end ${loadAtEnd}`,
    '',
    ...renderLoad(report, options),
    '',
    ...renderLivez(livez),
    '',
    ...renderMemory(processes, sampler, seconds),
    '',
    ...renderSmaps(processes, smaps, seconds),
    '',
    ...renderMoney(checks, cashii.missingHere, options.catchUpSeconds),
    ...profiles,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);

  const last = checks[checks.length - 1];
  const unexpected = report.errors.reduce((sum, e) => sum + e.count, 0);
  return last.unnoticed > 0 || unexpected > 0 || last.queueMismatch > 0 ? 1 : 0;
}

function renderLoad(report: LoadReport, options: Options): string[] {
  const rate = report.answered / report.seconds;
  const lines = [
    `Requests: ${report.scheduled} scheduled, ${report.answered} answered in ${report.seconds.toFixed(1)} s: ${rate.toFixed(1)} requests/s achieved ` +
      `(target ${options.rate}); largest send lag of the load generator ${report.maxSendLagMs.toFixed(1)} ms`,
    '| operation | answered | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    ...OPS.map((op) => {
      const f = report.byOp.get(op)!;
      return `| ${op} | ${f.count} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.max)} |`;
    }),
    `(latency from each request's scheduled departure; creates: ${report.creates.noOrder} without order, ${report.creates.singleTab} one tab, ` +
      `${report.creates.tabA} + ${report.creates.tabB} two tabs (the second changes the amount), ${report.creates.paidAgain} for an order already paid)`,
    `Errors by code: ${report.errors.length === 0 ? 'none' : report.errors.map((e) => `${e.code} ${e.count} (e.g. ${e.sample.slice(0, 160)})`).join('; ')}` +
      `; expected refusals: ${report.expected.length === 0 ? 'none' : report.expected.map((e) => `${e.code} ${e.count}`).join(', ')}`,
    `Shoppers on the hosted page: pay ${report.shoppers.pay} (${report.shoppers.silentPaid} never looked at again: no return, no read), ` +
      `reject ${report.shoppers.reject}, cancel ${report.shoppers.cancel}, left without acting ${report.shoppers.gone}; returns confirmed ${report.shoppers.returns}; page errors ${report.shoppers.pageErrors}`,
    `Subscriptions: ${report.subscriptions.opened} opened (at most ${report.subscriptions.maxOpen} at once), ${report.subscriptions.events} events, ` +
      `${report.subscriptions.settledSeen} settlements seen live, ${report.subscriptions.errors} errors, ${report.subscriptions.socketsClosed} sockets closed under load`,
  ];
  if (report.anomalies.length > 0) lines.push('Anomalies (first ones):', ...report.anomalies.map((a) => `  - ${a}`));
  return lines;
}

function renderLivez(results: readonly LivezResult[]): string[] {
  const describe = (name: string, samples: ReadonlyArray<{ t: number; ms: number }>, failures: number, lag: number): string => {
    const sorted = Float64Array.from(samples.map((s) => s.ms)).sort();
    const worst = [...samples]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((s) => `${s.ms.toFixed(0)} ms at ${s.t.toFixed(0)} s`)
      .join(', ');
    return (
      `| ${name} | ${samples.length} | ${Number.isNaN(failures) ? '-' : failures} | ${fmt(percentile(sorted, 0.5))} | ${fmt(percentile(sorted, 0.99))} | ` +
      `${fmt(sorted[sorted.length - 1])} | ${worst} | ${lag.toFixed(0)} |`
    );
  };
  const all = results.flatMap((r) => r.samples);
  // A BFF that just started compiles its code under the first requests: the same figures once warm.
  const warm = results.map((r) => ({ ...r, name: `${r.name}, from 60 s`, samples: r.samples.filter((s) => s.t >= 60) }));
  return [
    '/livez, probed every 100 ms per process (from a worker thread of the load generator):',
    '| process | probes | failed | p50 ms | p99 ms | max ms | worst five | prober lag max ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => describe(r.name, r.samples, r.failures, r.maxProbeLagMs)),
    ...(results.length > 1
      ? [
          describe(
            'all',
            all,
            results.reduce((s, r) => s + r.failures, 0),
            Math.max(...results.map((r) => r.maxProbeLagMs)),
          ),
        ]
      : []),
    ...(warm.some((r) => r.samples.length > 0) ? warm.map((r) => describe(r.name, r.samples, Number.NaN, r.maxProbeLagMs)) : []),
  ];
}

function renderMemory(processes: readonly Probed[], sampler: MemorySampler, seconds: number): string[] {
  const samples: ReadonlyMap<string, MemorySample[]> = sampler.samples;
  const minutes = Math.ceil(seconds / 60);
  const mean = (values: number[]): number => {
    const finite = values.filter(Number.isFinite);
    return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
  };
  const lines = [
    'Per minute (RSS: highest sample of the minute, every 5 s; heap used / total (of it, the young generation), external and caches (what the client-fillable caches hold, as counted against their bounds: bff_cache_bytes) from the last /metrics scrape of the minute, every 15 s; ' +
      'loop max: largest event-loop delay between two scrapes (prom-client); backlog: reconciler due payments (capped at 1000); CPU: mean share of one core):',
    `| minute | ${processes.map((p) => `${p.name} RSS MiB | heap used / total (new) MiB | external MiB | caches MiB | loop max ms | backlog | CPU %`).join(' | ')} | ` +
      `${[...sampler.otherCpu.keys()].map((name) => `${name} CPU %`).join(' | ')} | load average |`,
    `| --- | ${processes.map(() => '--- | --- | --- | --- | --- | --- | ---').join(' | ')} | ${[...sampler.otherCpu.keys()].map(() => '---').join(' | ')} | --- |`,
  ];
  for (let m = 0; m < minutes; m++) {
    const cells: string[] = [];
    let load = Number.NaN;
    for (const p of processes) {
      const inMinute = (samples.get(p.name) ?? []).filter((s) => s.t > m * 60 && s.t <= (m + 1) * 60 + 1);
      const scraped = inMinute.filter((s) => Number.isFinite(s.heapUsedMiB));
      const lastScrape = scraped[scraped.length - 1];
      const rss = Math.max(...inMinute.map((s) => s.rssMiB));
      const loopMax = Math.max(...scraped.map((s) => s.loopMaxMs));
      cells.push(
        `${fmt(rss)} | ${lastScrape ? `${fmt(lastScrape.heapUsedMiB)} / ${fmt(lastScrape.heapTotalMiB)} (${fmt(lastScrape.newSpaceMiB)})` : '-'} | ${fmt(lastScrape?.externalMiB ?? NaN)} | ${fmt(lastScrape?.cachesMiB ?? NaN)} | ` +
          `${fmt(loopMax)} | ${lastScrape && Number.isFinite(lastScrape.backlog) ? lastScrape.backlog : '-'} | ${fmt(mean(inMinute.map((s) => s.cpuPercent)))}`,
      );
      load = inMinute[inMinute.length - 1]?.load1 ?? load;
    }
    for (const series of sampler.otherCpu.values()) {
      cells.push(fmt(mean(series.filter((s) => s.t > m * 60 && s.t <= (m + 1) * 60 + 1).map((s) => s.cpuPercent))));
    }
    lines.push(`| ${m + 1} | ${cells.join(' | ')} | ${fmt(load)} |`);
  }
  const windowStart = Math.max(0, seconds - 180);
  for (const p of processes) {
    const last = (samples.get(p.name) ?? []).filter((s) => s.t >= windowStart && Number.isFinite(s.rssMiB));
    if (last.length === 0) continue;
    const low = Math.min(...last.map((s) => s.rssMiB));
    const high = Math.max(...last.map((s) => s.rssMiB));
    const heap = last.filter((s) => Number.isFinite(s.heapUsedMiB));
    const spread = (100 * (high - low)) / low;
    const span = seconds - windowStart;
    lines.push(
      `${p.name}: RSS in the last ${(span / 60).toFixed(1)} min from ${low.toFixed(0)} to ${high.toFixed(0)} MiB (first ${last[0].rssMiB.toFixed(0)}, ` +
        `last ${last[last.length - 1].rssMiB.toFixed(0)}): spread ${spread.toFixed(1)}% -> ${spread <= 5 ? 'within 5 %: steady' : 'MORE than 5 %'}` +
        (span < 180 ? ' (run shorter than 4 min: not the judged window)' : '') +
        (heap.length > 0
          ? `; JS heap used ${Math.min(...heap.map((s) => s.heapUsedMiB)).toFixed(0)} to ${Math.max(...heap.map((s) => s.heapUsedMiB)).toFixed(0)} MiB`
          : ''),
    );
  }
  return lines;
}

function renderMoney(checks: readonly MoneyCheck[], missingHere: number, catchUpSeconds: number): string[] {
  const last = checks[checks.length - 1];
  const reasons = Object.entries(last.queuedByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `Money invariant (after the load; the reconciler given up to ${catchUpSeconds} s): unnoticed at ` +
      checks.map((c) => `+${c.t.toFixed(0)} s: ${c.unnoticed}`).join(', '),
    `  ${last.stored} payments stored; ${last.paidAtCashii} paid at Cashii: ${last.paysOrder} pay their order, ${last.paidWithoutOrder} without order stored PAID, ` +
      `${last.queued} in the review queue (${reasons || 'none'}); ids answered to clients but not stored: ${missingHere}; open reviews missing from reviewQueue: ${last.queueMismatch}`,
    `  UNNOTICED (paid at Cashii, neither its order's paid payment nor in the review queue): ${last.unnoticed}`,
  ];
  if (last.unnoticedSamples.length > 0) lines.push(...last.unnoticedSamples.map((s) => `    - ${s}`));
  return lines;
}

void main()
  .catch((error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : inspect(error, { depth: 3 })}\n`);
    return 1;
  })
  .then(async (code) => {
    await shutdown();
    process.exit(code);
  });
