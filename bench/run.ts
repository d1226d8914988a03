// `npm run bench`: the side-by-side benchmark of issues 6 and 13. Prints one table measured in this run;
// exits non-zero when any answer was wrong (figures never fail the run, they are judged in words).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildForChildren } from './build';
import { measureCoalescing } from './coalesce';
import { measureColdStarts } from './coldstart';
import { productionNodeFlags } from './node-flags';
import { parseOptions } from './options';
import { profilePath } from './profile';
import { type Recovery, measureRecovery } from './recovery';
import { onCleanup, shutdown } from './proc';
import {
  type ClientSetting,
  describeClientRows,
  judgeTargets,
  renderClientTable,
  renderRows,
  renderTable,
  renderTargets,
  summarise,
} from './report';
import { type Samples, buildRows, pollRate, runRounds } from './rows';
import { startStack } from './stack';

const ROOT = path.resolve(__dirname, '..');
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = Date.now();

  progress('compiling src/ and bench/servers/ for the child processes...');
  const build = await buildForChildren(ROOT);
  onCleanup(() => build.remove());
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bench-data-'));
  onCleanup(() => fs.rmSync(workDir, { recursive: true, force: true }));

  if (options.profile !== null) {
    const connections = options.profile === 'create' ? options.createConnections : options.connections;
    const db = options.postgresUrl === null ? 'SQLite' : 'PostgreSQL';
    // The open loop has no connection count: it sends on a schedule.
    const load = options.profile === 'open' ? `${options.openLoopRate} creates/s` : `${connections} connections`;
    progress(`profiling the BFF's ${options.profile} path at ${load} for ${options.seconds * 2} s on ${db}...`);
    const top = await profilePath(
      build,
      workDir,
      options.profile,
      connections,
      options.seconds * 2,
      options.postgresUrl,
      options.openLoopRate,
    );
    process.stdout.write(`\nBFF ${options.profile} path under node --cpu-prof, ${load}, ${db}:\n${top.join('\n')}\n`);
    return 0;
  }

  progress('starting the simulator, the BFF, L, Y and M, and seeding through the BFF...');
  const stack = await startStack(build, workDir, options.postgresUrl, options.population, progress);
  const rows = selectRows(buildRows(stack, options), options.only);
  const clientSettings: ClientSetting[] = [
    { db: 'SQLite' as const, population: stack.population },
    ...(stack.populationPg === null ? [] : [{ db: 'PostgreSQL' as const, population: stack.populationPg }]),
  ].map(({ db, population: p }) => ({
    db,
    viewers: p.viewers,
    payments: p.payments,
    paid: p.paid.length,
    pending: p.pending.length,
    orders: p.orders.length,
    pages: p.pages.length,
    pollRate: pollRate(p, options),
  }));
  progress(`measuring ${rows.length} rows x ${options.rounds} rounds...`);
  const samples = await runRounds(rows, stack, options, progress);
  if (options.only !== null) {
    const summaries = summarise(rows, samples);
    process.stdout.write(
      `\n${describeClientRows(clientSettings, options)}\n\n${renderClientTable(summaries, options)}\n\n${renderRows(summaries)}\n\n` +
        `(--only: rows matching ${options.only}, medians of ${options.rounds} rounds; no target judged)\n`,
    );
    return failures(summaries, samples).length === 0 ? 0 : 1;
  }

  // The client table now, on stderr, so that a run stopped in the phases below still leaves it.
  progress(`\n${renderClientTable(summarise(rows, samples), options)}\n`);

  // L, Y, M and LC are done; each create BFF gets one more create burst, and its RSS is watched after it.
  for (const server of [stack.limit, stack.yoga, stack.mercurius, stack.mercuriusPg, stack.createLimit]) await server?.stop();
  const recoveries: Recovery[] = [];
  // The read BFFs are done too; the create bursts go to the BFFs that took the create rows.
  for (const server of [stack.bff.server, stack.bffPg?.server]) await server?.stop();
  for (const bff of [stack.bffCreates, stack.bffPgCreates]) {
    if (bff === null) continue;
    progress(`memory: a create burst on ${bff.name}, then its RSS for up to ${options.recoverySeconds} s...`);
    const recovery = await measureRecovery(bff.name, bff, stack.control, options);
    progress(
      `  ${recovery.label}: ${recovery.creates} creates, peak ${recovery.peakRssMiB.toFixed(0)} MiB, ${recovery.endRssMiB.toFixed(0)} MiB at the end, ` +
        `${recovery.lastRssMiB.toFixed(0)} MiB after ${recovery.watchedSeconds.toFixed(1)} s`,
    );
    recoveries.push(recovery);
  }

  // The BFFs stop before the coalescing window: their reconcilers would keep asking the shared
  // simulator about the pending payments the create rows left, and those GETs would be counted as the poll's.
  for (const server of [stack.bffCreates, stack.bffPgCreates, stack.bffOpen, stack.bffPgOpen]) await server?.stop();
  progress('coalescing: many clients, one pending payment...');
  const coalescing = await measureCoalescing(build, stack.simulator.url, workDir, options);
  // Cold start runs alone: nothing else on the machine should compete with it.
  await stack.simulator.stop();
  progress('cold start...');
  const coldStartsMs = await measureColdStarts(build, workDir, options.coldStarts);

  const summaries = summarise(rows, samples);
  const extras = {
    idleRssMiB: stack.idleRssMiB,
    idleRssPgMiB: stack.idleRssPgMiB,
    coldStartsMs,
    coldStartCommand: `node ${productionNodeFlags().join(' ')} src/main.js`.replace(/\s+/g, ' '),
    coalescing,
    recoveries,
    clientSettings,
  };
  process.stdout.write(`\n${renderTable(summaries, extras, options)}\n\n`);
  process.stdout.write(`${renderTargets(judgeTargets(summaries, samples, extras, options), options)}\n\n`);

  const failed = failures(summaries, samples);
  for (const r of recoveries) if (r.errors > 0) failed.push(`${r.label} create burst: ${r.errors} errors; first: ${r.firstError ?? '?'}`);
  if (coalescing.errors > 0) failed.push(`coalescing: ${coalescing.errors} errors; first: ${coalescing.firstError ?? '?'}`);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failed.length === 0) return 0;
  process.stderr.write(`FAILED: wrong or failed answers:\n${failed.map((f) => `  - ${f}`).join('\n')}\n`);
  return 1;
}

/** The rows with wrong or failed answers, each with its first. */
function failures(summaries: ReturnType<typeof summarise>, samples: Samples): string[] {
  return summaries
    .filter((s) => s.errors > 0)
    .map(
      (s) =>
        `${s.row.label} @${s.row.rate === null ? s.row.connections : 'open'}: ${s.errors} errors; first: ${firstError(samples.get(s.row.key))}`,
    );
}

/** The rows `only` matches, with the limit rows they are compared with; all rows without it. */
function selectRows<T extends { key: string; baseline: string | null }>(rows: T[], only: RegExp | null): T[] {
  if (only === null) return rows;
  const chosen = rows.filter((row) => only.test(row.key));
  const baselines = new Set(chosen.map((row) => row.baseline));
  return rows.filter((row) => chosen.includes(row) || baselines.has(row.key));
}

function firstError(samples: ReadonlyArray<{ firstError: string | null }> | undefined): string {
  return samples?.find((s) => s.firstError !== null)?.firstError ?? '?';
}

void main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  })
  .then(async (code) => {
    await shutdown();
    process.exit(code);
  });
