// Run-wide settings: the full run (the figures in BENCHMARKS.md) or --quick (CI: a few seconds,
// bodies checked, no figure judged).
import type { PopulationSize } from './population';
import type { ProfiledPath } from './profile';

export interface Options {
  readonly quick: boolean;
  readonly rounds: number;
  /** Measured seconds per contender per round. */
  readonly seconds: number;
  /** Unmeasured load before each window, so that every contender is measured hot. */
  readonly warmupSeconds: number;
  /** The viewers and payments the client rows read (seeded through each BFF). */
  readonly population: PopulationSize;
  /** The polling row: each virtual client re-reads its payment this often. */
  readonly pollIntervalMs: number;
  /** Connections of the throughput rows (reads). */
  readonly connections: number;
  /** Concurrent creates: the target is stated at 100. */
  readonly createConnections: number;
  /** Creates per second of the open-loop (fixed arrival rate) rows. */
  readonly openLoopRate: number;
  /** Seconds of arrivals per open-loop window (the last answers are waited for). */
  readonly openLoopSeconds: number;
  /** How long RSS is watched after a create burst for it to come back under the limit. */
  readonly recoverySeconds: number;
  /** The simulator's latency on the slow upstream rows. */
  readonly upstreamLatencyMs: number;
  readonly coalesceSeconds: number;
  readonly coalesceClients: number;
  readonly coldStarts: number;
  /** A PostgreSQL server URL: the BFF rows run there too, in a fresh database. */
  readonly postgresUrl: string | null;
  /** Only profile this BFF path (node --cpu-prof) and print the top self times. */
  readonly profile: ProfiledPath | null;
  /**
   * Only the rows whose key matches (with the limit rows they are compared with), for a quick A/B
   * while working: no memory, coalescing or cold-start phase, no target judged.
   */
  readonly only: RegExp | null;
}

const USAGE = `usage: npm run bench [-- --quick] [-- --postgres postgres://user@host:5432/db]
  --quick            1 round of 1 s per row, fewer connections and viewers, 20 creates/s open loop; checks every
                     contender's answers on every row, judges no figure
  --profile [path]   only profile one BFF path (client, the default: the client's Payment, PAID; page: the client's
                     Payments, first 20; terminal: the 5-field Read; pending; create; open: creates at the open-loop
                     rate) under node --cpu-prof
  --only <regex>     only the rows whose key matches (e.g. "create|open"), with their limit rows; judges nothing
  --rounds <n>       rounds (default 3)
  --postgres <url>   also run the BFF rows on PostgreSQL (a fresh database on that server, dropped after);
                     BENCH_DATABASE_URL does the same`;

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  let quick = false;
  let profile: ProfiledPath | null = null;
  let postgresUrl = env.BENCH_DATABASE_URL?.trim() || null;
  let only: RegExp | null = null;
  let rounds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') {
      const next = argv[i + 1];
      const named =
        next === 'client' || next === 'page' || next === 'terminal' || next === 'pending' || next === 'create' || next === 'open';
      profile = named ? next : 'client';
      if (named) i++;
    } else if (arg === '--only' && argv[i + 1] !== undefined) only = new RegExp(argv[++i]);
    else if (arg === '--rounds' && /^[1-9]$/.test(argv[i + 1] ?? '')) rounds = Number(argv[++i]);
    else if (arg === '--postgres' && argv[i + 1] !== undefined) postgresUrl = argv[++i];
    else if (arg.startsWith('--postgres=')) postgresUrl = arg.slice('--postgres='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (postgresUrl !== null && !/^postgres(ql)?:\/\//.test(postgresUrl)) throw new Error(`--postgres needs a postgres:// URL\n${USAGE}`);
  const common = { quick, profile, postgresUrl, only, upstreamLatencyMs: 50, coalesceClients: 200 };
  const options: Options = quick
    ? {
        ...common,
        rounds: 1,
        // Every kind of viewer, fewer of them: 2 with a full first page, 10 with two paid payments, each with one PENDING.
        population: { viewers: 12, heavyViewers: 2, paidPerViewer: 2, paidPerHeavyViewer: 20 },
        pollIntervalMs: 250,
        seconds: 1,
        warmupSeconds: 0,
        connections: 10,
        createConnections: 10,
        openLoopRate: 20,
        openLoopSeconds: 1,
        recoverySeconds: 1,
        coalesceSeconds: 2,
        coldStarts: 1,
      }
    : {
        ...common,
        rounds: 3,
        // 200 viewers, 1,600 payments: 180 viewers with 5 paid + 1 pending, 20 with 25 paid + 1 pending.
        population: { viewers: 200, heavyViewers: 20, paidPerViewer: 5, paidPerHeavyViewer: 25 },
        pollIntervalMs: 1000,
        seconds: 5,
        warmupSeconds: 1,
        connections: 50,
        createConnections: 100,
        openLoopRate: 100,
        openLoopSeconds: 10,
        recoverySeconds: 30,
        coalesceSeconds: 10,
        coldStarts: 3,
      };
  return rounds === null ? options : { ...options, rounds };
}
