// Starts every server under test on loopback over one seeded database, and makes each one give
// the reference answer before any load is put on it.
import path from 'node:path';
import type { Build } from './build';
import {
  CREATE_BODY,
  type Check,
  SimulatorControl,
  createPayment,
  created,
  exactly,
  gql,
  paymentRead,
  readBody,
  REDIRECT_ORIGIN,
} from './graphql';
import { productionNodeFlags } from './node-flags';
import { createPgDatabase } from './pg';
import { type Population, type PopulationSize, seedPopulation } from './population';
import { type ServerProcess, onCleanup, startServer } from './proc';
import { rssMiB } from './probe';
import { AUTH_ENV } from './token';
import type { Shot } from './graphql';

const CASHII_KEY = 'sk_bench_local_simulator_key';

/** A BFF with the payments every row reads, created through its own API. */
export interface SeededBff {
  readonly server: ServerProcess;
  /** A PAID payment: the terminal read. */
  readonly paidId: string;
  /** A PENDING payment: the read that re-confirms with Cashii. */
  readonly pendingId: string;
  /** The BFF's answer for the PAID payment; every contender must answer it byte for byte. */
  readonly reference: string;
}

export interface Stack {
  readonly simulator: ServerProcess;
  readonly control: SimulatorControl;
  readonly bff: SeededBff;
  readonly limit: ServerProcess;
  readonly yoga: ServerProcess;
  readonly mercurius: ServerProcess;
  /** LC, the create limit: node:http, one INSERT and one UPDATE in SQLite (WAL, synchronous=FULL), the same Cashii call. */
  readonly createLimit: ServerProcess;
  readonly bffPg: SeededBff | null;
  /**
   * The BFFs that take the create rows, each on a database of its own: the tens of thousands of
   * PENDING payments those rows leave keep a BFF's reconciler checking them for minutes, which
   * slowed the read rows of the next rounds when one BFF took both (the client `Order` went from
   * 820 to 3,900 us of CPU per request between round 1 and round 3, M's stayed).
   */
  readonly bffCreates: ServerProcess;
  readonly bffPgCreates: ServerProcess | null;
  /**
   * The BFFs that take the open-loop create rows (100 creates/s), each on a database of its own:
   * what their reconcilers check is only what the open loop created, as on a deployment taking 100
   * creates/s, not the closed-loop rows' backlog (17.7 Cashii calls per create in session 8's run).
   */
  readonly bffOpen: ServerProcess;
  readonly bffPgOpen: ServerProcess | null;
  /**
   * The create and open-loop BFFs: their reconcilers are paused while a row measures any other
   * process, and started again after. The closed-loop create rows leave tens of thousands of PENDING
   * payments, and their reconcilers checking them took CPU of the machine's 2 cores and the shared
   * simulator from every row that followed (session 9: 0.6 Cashii calls per PAID read, which makes
   * none, and the BFF's read CPU rising from round to round in session 8). The read BFFs' small
   * reconcilers keep running. (Stopping whole processes with SIGSTOP was tried first: on SIGCONT the
   * Cashii calls in flight timed out before their answers were read, and the breaker opened.)
   */
  readonly background: readonly ServerProcess[];
  /** M over the PostgreSQL BFF's database (with --postgres). */
  readonly mercuriusPg: ServerProcess | null;
  /** The viewers and payments of the client rows, in the SQLite file and in the PostgreSQL database. */
  readonly population: Population;
  readonly populationPg: Population | null;
  /** RSS of the SQLite BFF after start and seeding, before any load. */
  readonly idleRssMiB: number;
  /** The same for the PostgreSQL BFF. */
  readonly idleRssPgMiB: number | null;
}

/**
 * The environment of the BFF (and of Y and M, which read it through loadConfig): production mode
 * (graphql-js skips its development checks there, JWTs are verified), silent logs, the simulator
 * as Cashii. PAID_STATUS_TTL_MS is a day so the PAID row is never re-confirmed: the terminal read
 * makes no upstream call. The create rate limits are raised out of reach (they still count every
 * create) so that the create rows measure creating, not refusing. The reconciler stays at its
 * defaults: it is part of the app.
 */
export function bffEnv(simulatorUrl: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    CASHII_API_KEY: CASHII_KEY,
    CASHII_API_BASE_URL: simulatorUrl,
    CASHII_PAYMENT_PAGE_URL: `${simulatorUrl}/payment`,
    REDIRECT_ALLOWED_ORIGINS: REDIRECT_ORIGIN,
    ...AUTH_ENV,
    RATE_LIMIT_CREATE_PER_VIEWER: '1000000',
    RATE_LIMIT_CREATE_PER_ADDRESS: '1000000',
    PAID_STATUS_TTL_MS: '86400000',
    ...extra,
  };
}

export function startSimulator(build: Build): Promise<ServerProcess> {
  return startServer('simulator', build.entry('bench/servers/simulator.ts'), { BENCH_CASHII_KEY: CASHII_KEY });
}

export function startBff(name: string, build: Build, env: Record<string, string>): Promise<ServerProcess> {
  return startServer(name, build.entry('bench/servers/bff.ts'), env, productionNodeFlags());
}

/** Seeds as a client would: create two payments, have Cashii mark one paid, read it once so the BFF stores PAID. */
async function seed(server: ServerProcess, control: SimulatorControl): Promise<SeededBff> {
  const paidId = await createPayment(server.url);
  await control.setStatus(paidId, 'paid');
  // STATUS_TTL_MS=0 on these BFFs: this read re-confirms with Cashii and stores PAID.
  await gql(server.url, readBody(paidId), paymentRead(paidId, 'PAID'));
  const reference = await gql(server.url, readBody(paidId), paymentRead(paidId, 'PAID'));
  // A second identical answer proves the PAID row is now read without touching it.
  await gql(server.url, readBody(paidId), exactly(reference));
  const pendingId = await createPayment(server.url);
  await gql(server.url, readBody(pendingId), paymentRead(pendingId, 'PENDING'));
  return { server, paidId, pendingId, reference };
}

async function startSeededBff(name: string, build: Build, env: Record<string, string>, control: SimulatorControl): Promise<SeededBff> {
  return seed(await startBff(name, build, env), control);
}

/** A few of `shots`, the first and last among them: what a contender must answer before any load. */
function sampleOf(shots: readonly Shot[]): Shot[] {
  return [...new Set([shots[0], shots[Math.floor(shots.length / 2)], shots[shots.length - 1]])].filter((s) => s !== undefined);
}

/** Every kind of client read once, and a few of each, through `url`: each must be the BFF's answer. */
export async function checkPopulation(url: string, population: Population): Promise<void> {
  for (const shots of [population.paid, population.pending, population.orders, population.pages]) {
    if (shots.length === 0) throw new Error('the population has an empty kind of read');
    for (const s of sampleOf(shots)) await gql(url, s.body, s.check, s.headers);
  }
}

async function populate(
  bff: SeededBff,
  control: SimulatorControl,
  size: PopulationSize,
  progress: (line: string) => void,
): Promise<Population> {
  const started = Date.now();
  const population = await seedPopulation(bff.server.url, control, size, 'viewer');
  progress(
    `  ${bff.server.name}: ${population.viewers} viewers, ${population.payments} payments (${population.paid.length} paid, ` +
      `${population.pending.length} pending), ${population.pages.length} full pages, seeded and read in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return population;
}

/** Everything the rounds need, started and checked. `workDir` holds the SQLite file. */
export async function startStack(
  build: Build,
  workDir: string,
  postgresUrl: string | null,
  size: PopulationSize,
  progress: (line: string) => void,
): Promise<Stack> {
  const simulator = await startSimulator(build);
  const control = new SimulatorControl(simulator.url);
  const sqliteFile = path.join(workDir, 'bench.sqlite');
  const env = bffEnv(simulator.url, `sqlite:${sqliteFile}`, { STATUS_TTL_MS: '0' });
  const bff = await startSeededBff('BFF', build, env, control);

  // L reads the BFF's file read-only; Y and M open it through the app's own DataSource; LC writes
  // a file of its own with the BFF's table. Y and M write to a file another process writes too
  // (their PENDING reads record each confirmation while the BFF's reconciler runs its settled
  // checks): on a busy machine the BFF's 500 ms lock wait turned some of M's answers into
  // STORAGE_UNAVAILABLE, so they wait longer for the lock; the BFF, alone in its file, keeps the default.
  const sharedFileEnv = { ...env, DATABASE_LOCK_WAIT_MS: '10000' };
  const [limit, yoga, mercurius, createLimit, bffCreates, bffOpen] = await Promise.all([
    startServer('L', build.entry('bench/servers/limit.ts'), { BENCH_SQLITE_FILE: sqliteFile }),
    startServer('Y', build.entry('bench/servers/yoga.ts'), sharedFileEnv),
    startServer('M', build.entry('bench/servers/mercurius.ts'), sharedFileEnv),
    startServer('LC', build.entry('bench/servers/create-limit.ts'), {
      BENCH_SQLITE_FILE: path.join(workDir, 'create-limit.sqlite'),
      BENCH_SCHEMA_FROM: sqliteFile,
      BENCH_CASHII_URL: simulator.url,
      BENCH_CASHII_KEY: CASHII_KEY,
      BENCH_PAYMENT_PAGE_URL: env.CASHII_PAYMENT_PAGE_URL,
    }),
    startBff('BFF (creates)', build, bffEnv(simulator.url, `sqlite:${path.join(workDir, 'creates.sqlite')}`, { STATUS_TTL_MS: '0' })),
    startBff('BFF (open loop)', build, bffEnv(simulator.url, `sqlite:${path.join(workDir, 'open-loop.sqlite')}`, { STATUS_TTL_MS: '0' })),
  ]);
  await gql(bffCreates.url, CREATE_BODY, created);
  await gql(bffOpen.url, CREATE_BODY, created);
  // The population is seeded once Y and M are up: started right after a 1,600-payment seeding
  // (the BFF's reconciler then busy with the settled checks), Y twice exited with code 0 before
  // it was ready, nothing on its stderr (a start-up promise left pending with nothing keeping
  // the event loop alive, in the app's database opening as far as can be told).
  const population = await populate(bff, control, size, progress);
  await gql(createLimit.url, CREATE_BODY, created);
  const same: Check = exactly(bff.reference);
  for (const contender of [limit, yoga, mercurius]) await gql(contender.url, readBody(bff.paidId), same);
  await checkPopulation(mercurius.url, population);

  let bffPg: SeededBff | null = null;
  let bffPgCreates: ServerProcess | null = null;
  let bffPgOpen: ServerProcess | null = null;
  let mercuriusPg: ServerProcess | null = null;
  let populationPg: Population | null = null;
  if (postgresUrl !== null) {
    const database = await createPgDatabase(postgresUrl);
    onCleanup(() => database.drop());
    const pgEnv = bffEnv(simulator.url, database.url, { STATUS_TTL_MS: '0' });
    bffPg = await startSeededBff('BFF-pg', build, pgEnv, control);
    populationPg = await populate(bffPg, control, size, progress);
    mercuriusPg = await startServer('M-pg', build.entry('bench/servers/mercurius.ts'), pgEnv);
    await checkPopulation(mercuriusPg.url, populationPg);
    const createsDatabase = await createPgDatabase(postgresUrl);
    onCleanup(() => createsDatabase.drop());
    bffPgCreates = await startBff('BFF-pg (creates)', build, bffEnv(simulator.url, createsDatabase.url, { STATUS_TTL_MS: '0' }));
    await gql(bffPgCreates.url, CREATE_BODY, created);
    const openDatabase = await createPgDatabase(postgresUrl);
    onCleanup(() => openDatabase.drop());
    bffPgOpen = await startBff('BFF-pg (open loop)', build, bffEnv(simulator.url, openDatabase.url, { STATUS_TTL_MS: '0' }));
    await gql(bffPgOpen.url, CREATE_BODY, created);
  }

  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    simulator,
    control,
    bff,
    limit,
    yoga,
    mercurius,
    createLimit,
    bffPg,
    bffCreates,
    bffPgCreates,
    bffOpen,
    bffPgOpen,
    background: [bffCreates, bffOpen, ...(bffPgCreates === null ? [] : [bffPgCreates]), ...(bffPgOpen === null ? [] : [bffPgOpen])],
    mercuriusPg,
    population,
    populationPg,
    idleRssMiB: rssMiB(bff.server.pid),
    idleRssPgMiB: bffPg === null ? null : rssMiB(bffPg.server.pid),
  };
}
