/**
 * The process dying at the worst moments: SIGKILL in the middle of a Cashii create (then a restart
 * whose reconciler settles the record), and SIGTERM with a request in flight (it completes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/sandbox/simulator';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/database';
import { type ServerProcess, postGraphQL, spawnServer } from '../support/server-process';
import { CREATE, TEST_CASHII_KEY, cashiiEnv, validInput } from '../support/stack';
import { Client } from 'pg';
import Sqlite from 'better-sqlite3';

async function createStates(url: string): Promise<Array<{ createState: string; cashiiId: string | null }>> {
  const sql = 'SELECT "createState", "cashiiId" FROM payment_orders';
  if (url.startsWith('sqlite:')) {
    const db = new Sqlite(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all() as Array<{ createState: string; cashiiId: string | null }>;
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeEachDatabase('process faults', (target) => {
  let simulator: RunningSimulator;
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  const env = () => ({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    CREATE_JOURNAL_FILE: path.join(journalDir, 'cashii-created.journal'),
    ...cashiiEnv(simulator),
    CASHII_TIMEOUT_MS: '500',
    RECONCILER_INTERVAL_MS: '100',
    LOG_LEVEL: 'info',
  });

  let journalDir: string;
  beforeEach(async () => {
    simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
    database = await createTestDatabase(target);
    journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-journal-'));
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await simulator.close();
    await database.drop();
    fs.rmSync(journalDir, { recursive: true, force: true });
  });

  it('settles a create interrupted by SIGKILL after restart, and a retry with the key then succeeds', async () => {
    server = spawnServer({ ...env(), CASHII_TIMEOUT_MS: '5000' });
    const url = await server.ready();
    simulator.state.faults.push({ route: 'create', delayMs: 3000, afterCreate: true });
    const input = validInput({ idempotencyKey: 'crash-1' });
    const pending = postGraphQL(url, CREATE, { input }).catch((error: unknown) => error);
    await until(() => simulator.state.stats.create === 1);
    server.child.kill('SIGKILL');
    expect(await server.exited).toBeNull();
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(await createStates(database.url)).toEqual([{ createState: 'SENDING', cashiiId: null }]);

    server = spawnServer(env());
    const restarted = await server.ready();
    await until(async () => (await createStates(database.url))[0].createState === 'UNKNOWN');
    // SQLite: one process owns the file, so start-up marks them; PostgreSQL: the reconciler's time rule.
    // The row is committed before the process writes its log line: wait for the line (it must come).
    const marked =
      target === 'sqlite' ? 'creates interrupted by the last shutdown marked UNKNOWN' : 'creates interrupted mid-call marked UNKNOWN';
    const restartedServer = server;
    const output = () => restartedServer.output();
    await until(() => output().includes(marked), 5000).catch(() => undefined);
    expect(output()).toContain(marked);

    const retried = await postGraphQL(restarted, CREATE, { input });
    expect(retried.body.errors).toBeUndefined();
    expect(await createStates(database.url)).toEqual([{ createState: 'CREATED', cashiiId: retried.body.data.createRemotePayment.id }]);
  });

  it('lets the first retry of a key left SENDING by a killed process proceed at once after restart', async () => {
    server = spawnServer({ ...env(), CASHII_TIMEOUT_MS: '5000' });
    const url = await server.ready();
    simulator.state.faults.push({ route: 'create', delayMs: 3000, afterCreate: true });
    const input = validInput({ idempotencyKey: 'crash-2' });
    const pending = postGraphQL(url, CREATE, { input }).catch((error: unknown) => error);
    await until(() => simulator.state.stats.create === 1);
    server.child.kill('SIGKILL');
    await server.exited;
    await pending;
    // Longer than twice the restarted process's Cashii deadline: on PostgreSQL the time rule then applies.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    server = spawnServer({ ...env(), RECONCILER_ENABLED: 'false' });
    const restarted = await server.ready();
    const retried = await postGraphQL(restarted, CREATE, { input });
    expect(retried.body.errors).toBeUndefined();
    expect(simulator.state.stats.create).toBe(2);
    const states = await createStates(database.url);
    expect(states).toEqual([{ createState: 'CREATED', cashiiId: retried.body.data.createRemotePayment.id }]);
  });

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    server = spawnServer({ ...env(), CASHII_TIMEOUT_MS: '5000' });
    const url = await server.ready();
    simulator.state.faults.push({ route: 'create', delayMs: 800 });
    const pending = postGraphQL(url, CREATE, { input: validInput() });
    await until(() => simulator.state.stats.create === 1);
    server.child.kill('SIGTERM');
    const response = await pending;
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.createRemotePayment.status).toBe('PENDING');
    expect(await server.exited).toBe(0);
    expect(await createStates(database.url)).toEqual([{ createState: 'CREATED', cashiiId: response.body.data.createRemotePayment.id }]);
  });
});
