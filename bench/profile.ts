// `npm run bench -- --profile [client|page|terminal|pending|create|open]`: where a BFF path spends its CPU. Runs the
// BFF under `node --cpu-prof` with that path at full load and prints the top self times.
import fs from 'node:fs';
import path from 'node:path';
import type { Build } from './build';
import { CREATE_BODY, SimulatorControl, createPayment, created, exactly, gql, paymentRead, readBody } from './graphql';
import { type LoadSpec, type MixedLoadSpec, measure } from './load';
import { measureOpenLoop } from './open-loop';
import { productionNodeFlags } from './node-flags';
import { createPgDatabase } from './pg';
import { seedPopulation } from './population';
import { startServer } from './proc';
import { bffEnv, startSimulator } from './stack';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, a project folder, node itself, or V8. */
function ownerOf(url: string, root: string): string {
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native / V8';
  return url
    .replace(/^file:\/\//, '')
    .replace(root, '')
    .split('/')
    .slice(0, 2)
    .join('/');
}

/** Self time grouped by `key`, largest first, as shares of all samples. */
function rank(profile: CpuProfile, key: (frame: ProfileNode['callFrame']) => string, count: number): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (frame) self.set(key(frame), (self.get(key(frame)) ?? 0) + delta);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** The top functions by self time, then the same time by package. */
export function summariseProfile(profile: CpuProfile, root: string): string[] {
  const functions = rank(
    profile,
    (frame) => {
      const file = frame.url
        .replace(/^file:\/\//, '')
        .replace(/^.*\/node_modules\//, '')
        .replace(root, '');
      return `${frame.functionName || '(anonymous)'}  ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    },
    20,
  );
  const packages = rank(profile, (frame) => ownerOf(frame.url, root), 12);
  return ['top functions by self time:', ...functions, '', 'self time by package:', ...packages];
}

/**
 * client: the client's `Payment` (PAID) over 50 viewers x 5 payments; page: the client's `Payments`
 * (first 20) of 20 viewers with 20 paid payments each; terminal and pending: the 5-field Read of
 * one id; create; open: creates on a schedule.
 */
export type ProfiledPath = 'client' | 'page' | 'terminal' | 'pending' | 'create' | 'open';

/** Profiles one BFF path (Cashii at 0 ms) at `connections` for `seconds`, on SQLite or, given a server URL, on a fresh PostgreSQL database. */
export async function profilePath(
  build: Build,
  workDir: string,
  which: ProfiledPath,
  connections: number,
  seconds: number,
  postgresUrl: string | null = null,
  openLoopRate = 100,
): Promise<string[]> {
  const simulator = await startSimulator(build);
  const control = new SimulatorControl(simulator.url);
  const profiles = path.join(workDir, 'profiles');
  const pg = postgresUrl === null ? null : await createPgDatabase(postgresUrl);
  let figures = '';
  const env = bffEnv(simulator.url, pg?.url ?? `sqlite:${path.join(workDir, 'profile.sqlite')}`, { STATUS_TTL_MS: '0' });
  const bff = await startServer('BFF (profiled)', build.entry('bench/servers/bff.ts'), env, [
    ...productionNodeFlags(),
    '--cpu-prof',
    `--cpu-prof-dir=${profiles}`,
  ]);
  try {
    const id = await createPayment(bff.url);
    let spec: LoadSpec | MixedLoadSpec = { url: bff.url, body: readBody(id), connections, check: paymentRead(id, 'PENDING') };
    if (which === 'client' || which === 'page' || which === 'pending') {
      // client: 50 viewers with 5 paid payments each, one read per request; page: 20 viewers with a
      // full first page; pending: 200 viewers' own PENDING payment (the client's document, as the
      // bench's PENDING rows: each read confirms with Cashii, Cashii 0 ms).
      const size =
        which === 'client'
          ? { viewers: 50, heavyViewers: 0, paidPerViewer: 5, paidPerHeavyViewer: 20 }
          : which === 'page'
            ? { viewers: 20, heavyViewers: 20, paidPerViewer: 0, paidPerHeavyViewer: 20 }
            : { viewers: 200, heavyViewers: 0, paidPerViewer: 0, paidPerHeavyViewer: 0 };
      const population = await seedPopulation(bff.url, control, size, 'viewer');
      const shots = which === 'client' ? population.paid : which === 'page' ? population.pages : population.pending;
      spec = { url: bff.url, shots, connections };
    } else if (which === 'terminal') {
      await control.setStatus(id, 'paid');
      await gql(bff.url, readBody(id), paymentRead(id, 'PAID'));
      spec = { ...spec, check: exactly(await gql(bff.url, readBody(id), paymentRead(id, 'PAID'))) };
    } else if (which === 'create') {
      spec = { ...spec, body: CREATE_BODY, check: created };
    }
    // The open loop: creates at `openLoopRate` a second, with the reconciler checking what they created (as at 100 creates/s in production).
    const window =
      which === 'open'
        ? await measureOpenLoop({ url: bff.url, body: CREATE_BODY, check: created, rate: openLoopRate }, seconds, bff.pid)
        : await measure(spec, seconds, bff.pid);
    if (window.errors > 0) throw new Error(`profiled ${which} path failed: ${window.firstError ?? 'errors'}`);
    figures = `${window.rps.toFixed(0)} req/s, p50 ${window.p50.toFixed(2)} ms, p99 ${window.p99.toFixed(2)} ms, ${window.cpuUs.toFixed(0)} us CPU/req (profiler on)`;
  } finally {
    await bff.stop();
    await simulator.stop();
    await pg?.drop();
  }
  const file = fs.readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('node wrote no .cpuprofile');
  // BENCH_PROFILE_OUT=<file> keeps the profile (Chrome DevTools and speedscope open it).
  if (process.env.BENCH_PROFILE_OUT) fs.copyFileSync(path.join(profiles, file), process.env.BENCH_PROFILE_OUT);
  const profile = JSON.parse(fs.readFileSync(path.join(profiles, file), 'utf8')) as CpuProfile;
  return [figures, ...summariseProfile(profile, `${build.dir}/`)];
}
