/**
 * PostgreSQL faults are storage faults. Each test makes its own database (never the server's
 * settings) read-only, refuse connections, or holds a table lock on it, and checks what a client
 * and an operator see: `STORAGE_UNAVAILABLE` with `retryable: true` (never INTERNAL_SERVER_ERROR),
 * `/readyz` 503 while writes fail and 200 after, one error line for the episode and one warning
 * when it ends, and nothing lost: a retry of each refused key gets its payment, with one Cashii
 * create per key.
 */
import { Client } from 'pg';
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/database';
import { CREATE, READ, type TestStack, startStack, validInput } from '../support/stack';

jest.setTimeout(90_000);

const FAILING_LINE = 'database writes are failing';
const BACK_LINE = 'database writes commit again';

/** A connection to the server's `test` database, for ALTER DATABASE and pg_stat_activity. */
async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseName(stack: TestStack): string {
  const url = (stack.app.dataSource.options as { url?: string }).url!;
  return new URL(url).pathname.slice(1);
}

/** Ends every session of `name` (so the pool reconnects and meets the new setting) and waits until they are gone. */
async function endSessions(name: string): Promise<void> {
  await admin(async (client) => {
    // Two statements: SQL does not promise the order of a WHERE clause's terms, and the terminate must see only these sessions.
    const sessions = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    const pids = sessions.rows.map((row) => row.pid);
    await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    for (let i = 0; i < 500; i++) {
      const left = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
      if (left.rowCount === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('terminated sessions did not end');
  });
}

async function readyz(stack: TestStack): Promise<{ status: number; body: { reason?: string } }> {
  const response = await fetch(`${stack.app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { reason?: string } };
}

/** Polls /readyz until it answers `status` (the probe behind it runs at most once a second). */
async function readyzBecomes(stack: TestStack, status: number): Promise<{ status: number; body: { reason?: string } }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await readyz(stack);
    if (answer.status === status || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for a log line (the end of an episode is logged once writes have committed for a while). */
async function logged(stack: TestStack, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!stack.logs.some((line) => line.includes(text)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

function lines(stack: TestStack, text: string): string[] {
  return stack.logs.filter((line) => line.includes(text));
}

function errorLines(stack: TestStack): string[] {
  return stack.logs.filter((line) => (JSON.parse(line) as { level?: number }).level === 50);
}

/**
 * One fault episode: `begin` breaks the database, creates with fresh keys must answer
 * STORAGE_UNAVAILABLE (retryable) and /readyz 503; `end` repairs it, /readyz turns 200, every
 * refused key is retried and gets its payment, and the log holds one error line and one warning.
 */
async function episode(stack: TestStack, label: string, begin: () => Promise<void>, end: () => Promise<void>): Promise<void> {
  const first = await stack.gql(CREATE, { input: validInput({ idempotencyKey: `${label}-before` }) });
  expect(first.body.errors).toBeUndefined();
  const paymentId = first.body.data!.createRemotePayment.id as string;
  const createsBefore = (await stack.simulatorStats()).create;

  await begin();
  const refused: string[] = [];
  for (let i = 0; i < 6; i++) {
    const key = `${label}-${i}`;
    const answer = await stack.gql(CREATE, { input: validInput({ idempotencyKey: key }) });
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
    refused.push(key);
    // A read answers, or says the database is unavailable: never INTERNAL_SERVER_ERROR.
    const read = await stack.gql(READ, { id: paymentId });
    expect(read.body.errors?.map((error) => error.extensions?.code).filter((code) => code !== 'STORAGE_UNAVAILABLE') ?? []).toEqual([]);
  }
  const down = await readyzBecomes(stack, 503);
  expect(down.status).toBe(503);
  expect(down.body.reason).toMatch(/database writes are failing|the database cannot be reached/);
  // Nothing reached Cashii while the record could not be written.
  expect((await stack.simulatorStats()).create).toBe(createsBefore);

  await end();
  expect((await readyzBecomes(stack, 200)).status).toBe(200);
  for (const key of refused) {
    const retried = await stack.gql(CREATE, { input: validInput({ idempotencyKey: key }) });
    expect(retried.body.errors).toBeUndefined();
  }
  expect((await stack.simulatorStats()).create).toBe(createsBefore + refused.length);
  await logged(stack, BACK_LINE);
  expect(lines(stack, FAILING_LINE)).toHaveLength(1);
  expect(lines(stack, BACK_LINE)).toHaveLength(1);
}

(POSTGRES_URL ? describe : describe.skip)(`PostgreSQL faults${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`, () => {
  let stack: TestStack;
  let repair: (() => Promise<void>) | null = null;

  beforeEach(async () => {
    stack = await startStack('postgres', { DATABASE_LOCK_WAIT_MS: '300', RECONCILER_ENABLED: 'false' });
  });
  afterEach(async () => {
    await repair?.().catch(() => undefined);
    repair = null;
    await stack.close();
  });

  it('a read-only database (25006) answers STORAGE_UNAVAILABLE, turns /readyz 503, logs one line, and loses nothing', async () => {
    const name = databaseName(stack);
    repair = () => admin((client) => client.query(`ALTER DATABASE "${name}" RESET default_transaction_read_only`)).then(() => undefined);
    await episode(
      stack,
      'read-only',
      async () => {
        await admin((client) => client.query(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`));
        await endSessions(name);
      },
      async () => {
        await repair!();
        await endSessions(name);
      },
    );
    const metrics = await (await fetch(`${stack.app.url}/metrics`)).text();
    expect(metrics).toMatch(/bff_storage_commit_failures_total\{reason="25006"\} [1-9]/);
    // The episode's error line is the only one about the database (the status bus may log its own cut LISTEN).
    expect(errorLines(stack).filter((line) => !line.includes('status bus'))).toHaveLength(1);
  });

  it('a database that does not allow connections (55000) answers STORAGE_UNAVAILABLE, turns /readyz 503, logs one line, and loses nothing', async () => {
    const name = databaseName(stack);
    repair = () => admin((client) => client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`)).then(() => undefined);
    await episode(
      stack,
      'no-connections',
      async () => {
        await admin((client) => client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`));
        await endSessions(name);
      },
      () => repair!(),
    );
    expect(errorLines(stack).filter((line) => !line.includes('status bus'))).toHaveLength(1);
  });

  it('a table lock held past DATABASE_LOCK_WAIT_MS answers STORAGE_UNAVAILABLE while it is held, and a retry gets the payment', async () => {
    const holder = new Client({ connectionString: (stack.app.dataSource.options as { url?: string }).url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE payment_orders IN ACCESS EXCLUSIVE MODE');
      let released = false;
      // Held far longer than the lock wait (300 ms); released early once the create has answered.
      const release = async () => {
        if (released) return;
        released = true;
        await holder.query('COMMIT');
      };
      const cap = setTimeout(() => void release(), 20_000);
      const input = validInput({ idempotencyKey: 'locked-1' });
      const answer = await stack.gql(CREATE, { input });
      const answeredWhileHeld = !released;
      clearTimeout(cap);
      await release();
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'STORAGE_UNAVAILABLE', retryable: true });
      expect(answeredWhileHeld).toBe(true);
      expect((await stack.simulatorStats()).create).toBe(0);

      const retried = await stack.gql(CREATE, { input });
      expect(retried.body.errors).toBeUndefined();
      const again = await stack.gql(CREATE, { input });
      expect(again.body.data?.createRemotePayment.id).toBe(retried.body.data?.createRemotePayment.id);
      expect((await stack.simulatorStats()).create).toBe(1);
      expect((await stack.records()).map((record) => record.idempotencyKey)).toEqual(['locked-1']);
    } finally {
      await holder.end();
    }
  });
});
