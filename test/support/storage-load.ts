/**
 * A storage-fault run against the BFF as a child process: five clients loop createRemotePayment
 * (one idempotency key per create, the key also in `metadata` so the simulator's payments can be
 * matched to keys), /readyz and /livez are polled, a fault is switched on and off in the middle,
 * failed keys are retried once the fault is gone, and the process is stopped with SIGTERM and
 * started again. The report holds what the clients saw; the caller checks the database.
 */
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';
import type { RunningSimulator } from '../../src/sandbox/simulator';
import { type ServerProcess, spawnServer } from './server-process';
import { CREATE, validInput } from './stack';

export interface Fault {
  name: string;
  start(server: ServerProcess): void | Promise<void>;
  stop(server: ServerProcess): void | Promise<void>;
  durationMs: number;
}

type Phase = 'before' | 'fault' | 'after';

export interface LoadReport {
  fault: string;
  /** Creates answered with a payment id, by idempotency key (retries included). */
  answered: Map<string, string>;
  /** Error codes answered per phase (before retries). */
  errors: Record<Phase, Record<string, number>>;
  /** Creates answered with an id, per phase. */
  created: Record<Phase, number>;
  /** Keys that failed and were retried after the fault, and how many retries succeeded. */
  retried: number;
  retriedOk: number;
  retryErrors: Record<string, number>;
  readyz: Record<Phase, Record<number, number>>;
  /** /readyz answered 200 again within this long after the fault ended (null: never). */
  readyAgainMs: number | null;
  /** /livez answers (200) to requests sent and answered within the phase: a frozen process gives none. */
  livezAnswered: Record<Phase, number>;
  exitCode: number | null;
}

const CLIENTS = 5;

export async function runStorageFault(env: Record<string, string>, fault: Fault): Promise<LoadReport> {
  const server = spawnServer(env);
  const graphql = await server.ready();
  const base = graphql.replace(/\/graphql$/, '');
  let phase: Phase = 'before';
  let running = true;
  const report: LoadReport = {
    fault: fault.name,
    answered: new Map(),
    errors: { before: {}, fault: {}, after: {} },
    created: { before: 0, fault: 0, after: 0 },
    retried: 0,
    retriedOk: 0,
    retryErrors: {},
    readyz: { before: {}, fault: {}, after: {} },
    readyAgainMs: null,
    livezAnswered: { before: 0, fault: 0, after: 0 },
    exitCode: null,
  };
  const failedKeys: string[] = [];
  let faultEnded = 0;

  const client = async (index: number) => {
    for (let n = 0; running && n < 100_000; n++) {
      const key = `${fault.name}-c${index}-${n}`;
      const started: Phase = phase;
      const outcome = await createOnce(graphql, key);
      if (outcome.id) {
        report.answered.set(key, outcome.id);
        report.created[started]++;
      } else {
        report.errors[started][outcome.code] = (report.errors[started][outcome.code] ?? 0) + 1;
        failedKeys.push(key);
        // A polite client backs off a little after an error.
        await sleep(50);
      }
    }
  };
  const pollReadyz = async () => {
    while (running) {
      const at: Phase = phase;
      const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
        (response) => response.status,
        () => 0,
      );
      report.readyz[at][status] = (report.readyz[at][status] ?? 0) + 1;
      if (at === 'after' && status === 200 && report.readyAgainMs === null) report.readyAgainMs = Date.now() - faultEnded;
      await sleep(25);
    }
  };
  const pollLivez = async () => {
    while (running) {
      const at: Phase = phase;
      const status = await fetch(`${base}/livez`, { signal: AbortSignal.timeout(5000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200 && phase === at) report.livezAnswered[at]++;
      await sleep(20);
    }
  };

  const workers = [...Array.from({ length: CLIENTS }, (_, i) => client(i)), pollReadyz(), pollLivez()];
  await sleep(1000);
  phase = 'fault';
  await fault.start(server);
  await sleep(fault.durationMs);
  await fault.stop(server);
  faultEnded = Date.now();
  phase = 'after';
  await sleep(2000);
  running = false;
  await Promise.all(workers);

  for (let i = 0; i < 100 && report.readyAgainMs === null; i++) {
    const status = await fetch(`${base}/readyz`).then((response) => response.status);
    if (status === 200) report.readyAgainMs = Date.now() - faultEnded;
    else await sleep(100);
  }
  // A client retries what failed, with the same key: each must now answer the payment.
  for (const key of failedKeys) {
    report.retried++;
    const outcome = await createOnce(graphql, key);
    if (outcome.id) {
      report.retriedOk++;
      report.answered.set(key, outcome.id);
    } else report.retryErrors[outcome.code] = (report.retryErrors[outcome.code] ?? 0) + 1;
  }
  server.child.kill('SIGTERM');
  report.exitCode = await server.exited;
  // The server's own log beside the report: what it said about each fault is the first thing to read when a check fails.
  const dir = path.join(__dirname, '..', '..', 'test-artifacts', 'storage-faults');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${fault.name}.server.log`), server.output());
  return report;
}

async function createOnce(url: string, key: string): Promise<{ id?: string; code: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE, variables: { input: validInput({ idempotencyKey: key, metadata: { key } }) } }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as {
      data?: { createRemotePayment?: { id: string } };
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    const id = body.data?.createRemotePayment?.id;
    return id ? { id, code: 'OK' } : { code: body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}` };
  } catch {
    return { code: 'NETWORK' };
  }
}

export interface StoredCreate {
  idempotencyKey: string | null;
  createState: string;
  cashiiId: string | null;
}

/** Every record as the database holds it, read with a connection of its own. */
export async function storedCreates(databaseUrl: string): Promise<StoredCreate[]> {
  const sql = 'SELECT "idempotencyKey", "createState", "cashiiId" FROM payment_orders';
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Sqlite(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all() as StoredCreate[];
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<StoredCreate>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Cashii's creates per idempotency key (from the simulator's payments' metadata). */
export function cashiiCreatesByKey(simulator: RunningSimulator): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const payment of simulator.state.payments.values()) {
    const key = String(payment.metadata?.key);
    byKey.set(key, [...(byKey.get(key) ?? []), payment.id]);
  }
  return byKey;
}

/** Keeps a run's figures for the closing note and for whoever looks at CI's artifacts. */
export function saveReport(report: LoadReport, extra: Record<string, unknown>): void {
  const dir = path.join(__dirname, '..', '..', 'test-artifacts', 'storage-faults');
  fs.mkdirSync(dir, { recursive: true });
  const { answered, ...figures } = report;
  fs.writeFileSync(path.join(dir, `${report.fault}.json`), JSON.stringify({ ...figures, answered: answered.size, ...extra }, null, 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
