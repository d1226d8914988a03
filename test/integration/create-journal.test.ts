/**
 * Cashii created the payment, then the database could not take its id, then the process was
 * killed (kill -9) before the database came back. The id was in the journal: the next start
 * records it, and a retry of the key returns that payment without a second Cashii create.
 *
 * And the journal is part of readiness: while it cannot be written (at start, or because its
 * folder went away while serving), /readyz answers 503 with the reason and creates are refused
 * with STORAGE_UNAVAILABLE before Cashii is called, so no create can reach Cashii whose id only
 * memory would keep; once it can be written again, both come back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';
import { POSTGRES_URL, type TestDatabase, createTestDatabase, describeEachDatabase } from '../support/database';
import { postGraphQL, spawnServer } from '../support/server-process';
import { CREATE, TEST_CASHII_KEY, type TestStack, cashiiEnv, startStack, validInput } from '../support/stack';
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

describeEachDatabase('the create journal in readiness', (target) => {
  let dir: string;
  let folder: string;
  let journal: string;
  let stack: TestStack | null = null;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-journal-ready-'));
    folder = path.join(dir, 'journal');
    journal = path.join(folder, 'cashii-created.journal');
  });
  afterEach(async () => {
    await stack?.close();
    stack = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Makes the journal's folder unusable (works as root too): a file stands where the folder should be. */
  const breakFolder = () => {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.writeFileSync(folder, 'not a folder');
  };
  const repairFolder = () => {
    fs.rmSync(folder, { force: true });
    fs.mkdirSync(folder);
  };

  const readyz = async () => {
    const response = await fetch(`${stack!.app.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { reason?: string } };
  };
  /** Polls /readyz until it answers `status` (the journal is re-probed every second). */
  const readyzBecomes = async (status: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const answer = await readyz();
      if (answer.status === status || Date.now() > deadline) return answer;
      await sleep(50);
    }
  };
  const lines = (text: string) => stack!.logs.filter((line) => line.includes(text));
  const create = (key: string) => stack!.gql(CREATE, { input: validInput({ idempotencyKey: key }) });

  it('a journal that cannot be written at start: /readyz 503 with the reason, creates refused before Cashii, and both back once it can', async () => {
    breakFolder();
    stack = await startStack(target, { CREATE_JOURNAL_FILE: journal });
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.reason).toMatch(/^the create journal cannot be written \(E[A-Z]+\)$/);

    const refused = await create('journal-down-1');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
    expect((await stack.simulatorStats()).create).toBe(0);

    repairFolder();
    expect((await readyzBecomes(200)).status).toBe(200);
    const created = await create('journal-down-1');
    expect(created.body.errors).toBeUndefined();
    expect((await stack.simulatorStats()).create).toBe(1);
    expect(fs.existsSync(journal)).toBe(true);
    expect(lines('the create journal cannot be written')).toHaveLength(1);
  });

  it('a journal whose folder goes away while serving turns /readyz 503 and refuses creates before Cashii, until it is back', async () => {
    fs.mkdirSync(folder);
    stack = await startStack(target, { CREATE_JOURNAL_FILE: journal });
    expect((await create('journal-live-1')).body.errors).toBeUndefined();
    expect((await readyz()).status).toBe(200);

    breakFolder();
    const down = await readyzBecomes(503);
    expect(down.status).toBe(503);
    expect(down.body.reason).toMatch(/^the create journal cannot be written/);
    const refused = await create('journal-live-2');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
    expect((await stack.simulatorStats()).create).toBe(1);

    repairFolder();
    expect((await readyzBecomes(200)).status).toBe(200);
    expect((await create('journal-live-2')).body.errors).toBeUndefined();
    expect((await stack.simulatorStats()).create).toBe(2);
    // One error line for the episode, one warning once it has been writable for a while.
    for (let i = 0; i < 100 && lines('the create journal can be written again').length === 0; i++) await sleep(100);
    expect(lines('the create journal cannot be written')).toHaveLength(1);
    expect(lines('the create journal can be written again')).toHaveLength(1);
  });
});
