/**
 * Cashii created the payment, then the database could not take its id, then the process was
 * killed (kill -9) before the database came back. The id was in the journal: the next start
 * records it, and a retry of the key returns that payment without a second Cashii create.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';
import { POSTGRES_URL, type TestDatabase, createTestDatabase, describeEachDatabase } from '../support/database';
import { postGraphQL, spawnServer } from '../support/server-process';
import { CREATE, TEST_CASHII_KEY, cashiiEnv, validInput } from '../support/stack';
import { sleep, storedCreates } from '../support/storage-load';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';

jest.setTimeout(60_000);

/** Makes the database refuse writes and takes that back: an outside lock on SQLite, a cut proxy for PostgreSQL. */
interface Outage {
  databaseUrl: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

async function outageFor(database: TestDatabase): Promise<Outage> {
  if (database.url.startsWith('sqlite:')) {
    const file = database.url.slice('sqlite:'.length);
    let holder: Sqlite.Database | null = null;
    return {
      databaseUrl: database.url,
      begin: () => {
        holder = new Sqlite(file, { timeout: 5000 });
        holder.exec('BEGIN EXCLUSIVE');
        return Promise.resolve();
      },
      end: () => {
        holder?.exec('COMMIT');
        holder?.close();
        holder = null;
        return Promise.resolve();
      },
      close: () => {
        holder?.close();
        return Promise.resolve();
      },
    };
  }
  const proxy: TcpProxy = await startTcpProxy('127.0.0.1', Number(new URL(POSTGRES_URL!).port || 5432));
  const url = new URL(database.url);
  url.host = `127.0.0.1:${proxy.port}`;
  return { databaseUrl: url.toString(), begin: () => proxy.refuse(), end: () => proxy.accept(), close: () => proxy.close() };
}

describeEachDatabase('the create journal', (target) => {
  let simulator: RunningSimulator;
  let database: TestDatabase;
  let outage: Outage;
  let dir: string;

  beforeEach(async () => {
    simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
    database = await createTestDatabase(target);
    outage = await outageFor(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-journal-'));
  });
  afterEach(async () => {
    await outage.close();
    await simulator.close();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps Cashii's id through a database outage and a kill -9, records it at the next start, and never creates twice", async () => {
    const journal = path.join(dir, 'cashii-created.journal');
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: outage.databaseUrl,
      CREATE_JOURNAL_FILE: journal,
      CREATE_RECORD_WAIT_MS: '500',
      ...cashiiEnv(simulator),
      LOG_LEVEL: 'info',
    };
    let server = spawnServer(env);
    const url = await server.ready();
    simulator.state.faults.push({ route: 'create', delayMs: 800 });
    const input = validInput({ idempotencyKey: 'journal-1' });
    const answer = postGraphQL(url, CREATE, { input });
    while (simulator.state.stats.create < 1) await sleep(10);
    // Cashii is creating the payment; the database goes away before its answer arrives.
    await outage.begin();
    const response = await answer;
    expect(response.body.errors?.[0].extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
    const [cashiiId] = [...simulator.state.payments.keys()];
    expect(JSON.parse(fs.readFileSync(journal, 'utf8').trim())).toMatchObject({ cashiiId });
    expect(server.output()).toContain('kept in the create journal');

    server.child.kill('SIGKILL');
    await server.exited;
    await outage.end();

    server = spawnServer(env);
    try {
      const restarted = await server.ready();
      // Recorded before the server answered its first request.
      expect(await storedCreates(database.url)).toEqual([{ idempotencyKey: 'journal-1', createState: 'CREATED', cashiiId }]);
      expect(fs.readFileSync(journal, 'utf8')).toBe('');
      const retried = await postGraphQL(restarted, CREATE, { input });
      expect(retried.body.errors).toBeUndefined();
      expect(retried.body.data.createRemotePayment.id).toBe(cashiiId);
      expect(simulator.state.stats.create).toBe(1);
      const metrics = await (await fetch(restarted.replace(/graphql$/, 'metrics'))).text();
      expect(metrics).toMatch(/bff_create_journal_replays_total\{result="recorded"\} 1/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a retry of the key while the id waits in the journal returns that payment once the database is back', async () => {
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: outage.databaseUrl,
      CREATE_JOURNAL_FILE: path.join(dir, 'cashii-created.journal'),
      CREATE_RECORD_WAIT_MS: '300',
      // No background retry: only the retry of the key can record it.
      CREATE_RECORD_WINDOW_MS: '0',
      RECONCILER_ENABLED: 'false',
      ...cashiiEnv(simulator),
      LOG_LEVEL: 'info',
    };
    const server = spawnServer(env);
    try {
      const url = await server.ready();
      simulator.state.faults.push({ route: 'create', delayMs: 500 });
      const input = validInput({ idempotencyKey: 'journal-2' });
      const answer = postGraphQL(url, CREATE, { input });
      while (simulator.state.stats.create < 1) await sleep(10);
      await outage.begin();
      expect((await answer).body.errors?.[0].extensions?.code).toBe('STORAGE_UNAVAILABLE');
      const during = await postGraphQL(url, CREATE, { input });
      expect(during.body.errors?.[0].extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
      await outage.end();
      const after = await postGraphQL(url, CREATE, { input });
      expect(after.body.errors).toBeUndefined();
      expect(after.body.data.createRemotePayment.id).toBe([...simulator.state.payments.keys()][0]);
      expect(simulator.state.stats.create).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
