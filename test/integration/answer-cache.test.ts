/**
 * Whole answers of repeated queries are kept per viewer and role, and reused only while everything
 * they read is stored as it was read. Tested with the shipped client's documents, exactly as its
 * Apollo manifest holds them (fragments, `__typename`, arguments, nested `events` and payments).
 * What must hold: a repeated `Payment` or `Order` is served from the cache, byte for byte the
 * executed answer; a write from anywhere (here another process writing the database directly, as
 * another replica would) is seen at once, in the record, its history or the order's payments;
 * another viewer or role never gets the answer, nor another origin the first one's CORS headers;
 * a pending payment the freshness policy would confirm is never served from the cache; what the
 * stores do not version (an unknown id) is always executed; an answer over the cap is not kept.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';
import { Database } from '../../src/db/database';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { versionOf } from '../../src/payments/store/read-notes';
import { describeEachDatabase } from '../support/database';
import { CREATE, type TestStack, actOnPaymentPage, mintToken, startStack, validInput } from '../support/stack';

const MANIFEST = JSON.parse(readFileSync(join(__dirname, '../../client/src/gql/persisted-query-manifest.json'), 'utf8')) as {
  operations: Array<{ name: string; body: string }>;
};
const clientDocument = (name: string) => MANIFEST.operations.find((operation) => operation.name === name)!.body;
const PAYMENT = clientDocument('Payment');
const ORDER = clientDocument('Order');
const PAYMENTS = clientDocument('Payments');

describeEachDatabase('answer cache', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    // PENDING is confirmed on every read (TTL 0); PAID is not re-confirmed for an hour. Answers over 16 KiB are never kept.
    stack = await startStack(target, {
      STATUS_TTL_MS: '0',
      PAID_STATUS_TTL_MS: '3600000',
      GRAPHQL_ANSWER_CACHE_ENTRY_BYTES: '16384',
      CORS_ALLOWED_ORIGINS: 'https://shop-a.example,https://shop-b.example',
    });
  });
  afterAll(() => stack?.close());

  async function cacheCounts(): Promise<Record<'hit' | 'stale' | 'miss', number>> {
    const text = await (await fetch(`${stack.app.url}/metrics`)).text();
    const count = (result: string) => Number(new RegExp(`bff_answer_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { hit: count('hit'), stale: count('stale'), miss: count('miss') };
  }

  /** Runs SQL as another replica (or an operator's tool) would: not through this process. */
  async function writeOutside(sql: { sqlite: string; postgres: string }, params: unknown[]): Promise<void> {
    const options = stack.app.dataSource.options;
    if (options.type === 'better-sqlite3') {
      const outside = new Sqlite(options.database);
      outside.prepare(sql.sqlite).run(...params);
      outside.close();
    } else {
      const client = new Client({ connectionString: (options as { url: string }).url });
      await client.connect();
      await client.query(sql.postgres, params);
      await client.end();
    }
  }

  async function paidPayment(input = validInput()): Promise<{ id: string; reference: string }> {
    const created = await stack.gql(CREATE, { input });
    const payment = created.body.data!.createRemotePayment;
    await actOnPaymentPage(payment.paymentUrl, 'pay');
    expect((await stack.gql(PAYMENT, { id: payment.id, locale: 'en-US' })).body.data!.payment.status).toBe('PAID');
    const record = (await stack.records()).find((row) => row.cashiiId === payment.id)!;
    return { id: payment.id, reference: record.id };
  }

  it("serves the client's repeated Payment from the cache, byte for byte, and sees a write made elsewhere at once", async () => {
    const { id } = await paidPayment();
    const first = await stack.gql(PAYMENT, { id, locale: 'en-US' }); // executed, kept
    const before = await cacheCounts();
    const second = await stack.gql(PAYMENT, { id, locale: 'en-US' });
    const third = await stack.gql(PAYMENT, { id, locale: 'en-US' });
    const after = await cacheCounts();
    expect(after.hit - before.hit).toBe(2);
    expect(second.text).toBe(first.text);
    expect(third.text).toBe(first.text);
    expect(first.body.data!.payment).toMatchObject({ __typename: 'RemotePayment', id, status: 'PAID' });

    // Refunded, as another replica would store it: the kept answer is stale on its next use.
    const refundedAt = Date.now() + 1000;
    await writeOutside(
      {
        sqlite: 'UPDATE payment_orders SET status = ?, "updatedAt" = ? WHERE "cashiiId" = ?',
        postgres: 'UPDATE payment_orders SET status = $1, "updatedAt" = $2 WHERE "cashiiId" = $3',
      },
      ['REFUNDED', refundedAt, id],
    );
    const fresh = await stack.gql(PAYMENT, { id, locale: 'en-US' });
    expect(fresh.body.data!.payment.status).toBe('REFUNDED');
    expect(Date.parse(fresh.body.data!.payment.updatedAt)).toBe(refundedAt);
    expect((await cacheCounts()).stale - after.stale).toBe(1);
  });

  it('sees an event added to the history elsewhere, though the payment record itself did not change', async () => {
    const { id, reference } = await paidPayment();
    await stack.gql(PAYMENT, { id, locale: 'en-US' });
    const before = await cacheCounts();
    const kept = await stack.gql(PAYMENT, { id, locale: 'en-US' });
    expect((await cacheCounts()).hit - before.hit).toBe(1);
    const events = kept.body.data!.payment.events.length as number;
    await writeOutside(
      {
        sqlite: 'INSERT INTO payment_events (id, "paymentId", "fromStatus", "toStatus", source, at) VALUES (?, ?, ?, ?, ?, ?)',
        postgres: 'INSERT INTO payment_events (id, "paymentId", "fromStatus", "toStatus", source, at) VALUES ($1, $2, $3, $4, $5, $6)',
      },
      [randomUUID(), reference, 'PAID', 'REFUNDED', 'reconcile', Date.now()],
    );
    const after = await stack.gql(PAYMENT, { id, locale: 'en-US' });
    expect(after.body.data!.payment.events).toHaveLength(events + 1);
  });

  it("keeps the client's Order and retires it when the order gets another payment", async () => {
    const orderId = `ORDER-${randomUUID().slice(0, 8)}`;
    const created = await stack.gql(CREATE, { input: validInput({ orderId, amount: 1000 }) });
    const firstId = created.body.data!.createRemotePayment.id as string;
    // A pending payment is confirmed on every read (TTL 0), so an order showing one is never kept: cancel it, and read it.
    await actOnPaymentPage(created.body.data!.createRemotePayment.paymentUrl, 'cancel');
    expect((await stack.gql(PAYMENT, { id: firstId, locale: 'en-US' })).body.data!.payment.status).toBe('CANCELED');
    const first = await stack.gql(ORDER, { orderId, locale: 'en-US' });
    expect(first.body.data!.order.payments.map((payment: { id: string }) => payment.id)).toEqual([firstId]);
    const before = await cacheCounts();
    const again = await stack.gql(ORDER, { orderId, locale: 'en-US' });
    expect(again.text).toBe(first.text);
    expect((await cacheCounts()).hit - before.hit).toBe(1);

    const second = await stack.gql(CREATE, { input: validInput({ orderId, amount: 1200 }) });
    const secondId = second.body.data!.createRemotePayment.id as string;
    const after = await stack.gql(ORDER, { orderId, locale: 'en-US' });
    expect(after.body.data!.order.payments.map((payment: { id: string }) => payment.id)).toEqual([secondId, firstId]);
  });

  it('answers a query larger than the per-entry cap in full every time, and never keeps it', async () => {
    const metadata = { blob: 'm'.repeat(7000), arabic: 'دفع'.repeat(100) };
    const { id } = await paidPayment(validInput({ metadata }));
    const before = await cacheCounts();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await stack.gql(`query Big($id: ID!) { payment(id: $id) { id metadata } }`, { id }));
    expect(answers[0].body.data!.payment.metadata).toEqual(metadata);
    expect(answers[1].text).toBe(answers[0].text);
    expect(answers[2].text).toBe(answers[0].text);
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit); // executed every time: nothing was kept
    expect(after.miss - before.miss).toBe(3);
  });

  it("never gives one viewer another viewer's kept answer, nor a role another role's", async () => {
    const { id } = await paidPayment();
    await stack.gql(PAYMENT, { id, locale: 'en-US' });
    await stack.gql(PAYMENT, { id, locale: 'en-US' });
    const stranger = await stack.gql(PAYMENT, { id, locale: 'en-US' }, { user: 'user-b' });
    expect(stranger.body.errors).toBeUndefined();
    expect(stranger.body.data!.payment).toBeNull();

    const before = await cacheCounts();
    const operatorToken = await mintToken('user-a', { roles: ['payments-operator'] });
    const asOperator = await stack.gql(PAYMENT, { id, locale: 'en-US' }, { headers: { authorization: `Bearer ${operatorToken}` } });
    expect(asOperator.body.data!.payment.id).toBe(id);
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit);
    expect(after.miss - before.miss).toBe(1);
  });

  it("answers a kept answer with the CORS headers of the request's own origin, in the media type it accepts", async () => {
    const { id } = await paidPayment();
    const ask = async (origin: string, accept: string) => {
      const response = await fetch(`${stack.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, origin, authorization: `Bearer ${await mintToken('user-a')}` },
        body: JSON.stringify({ query: PAYMENT, variables: { id, locale: 'en-US' } }),
      });
      return {
        origin: response.headers.get('access-control-allow-origin'),
        type: response.headers.get('content-type'),
        body: await response.text(),
      };
    };
    const a = await ask('https://shop-a.example', 'application/json');
    const before = await cacheCounts();
    const b = await ask('https://shop-b.example', 'application/graphql-response+json');
    expect((await cacheCounts()).hit - before.hit).toBe(1);
    expect(a.origin).toBe('https://shop-a.example');
    expect(b.origin).toBe('https://shop-b.example');
    expect(a.type).toMatch(/^application\/json/);
    expect(b.type).toMatch(/^application\/graphql-response\+json/);
    expect(b.body).toBe(a.body);
  });

  it('never serves a pending payment that the freshness policy would confirm with Cashii', async () => {
    const created = await stack.gql(CREATE, { input: validInput() });
    const id = created.body.data!.createRemotePayment.id as string;
    const gets = (await stack.simulatorStats()).get;
    const before = await cacheCounts();
    for (let i = 0; i < 3; i++) expect((await stack.gql(PAYMENT, { id, locale: 'en-US' })).body.data!.payment.status).toBe('PENDING');
    expect((await stack.simulatorStats()).get - gets).toBe(3);
    expect((await cacheCounts()).hit).toBe(before.hit);
  });

  it("keeps the client's Payments page and retires it when the viewer gets another payment", async () => {
    const user = `pager-${randomUUID().slice(0, 8)}`;
    const pay = async () => {
      const created = await stack.gql(CREATE, { input: validInput() }, { user });
      const payment = created.body.data!.createRemotePayment;
      await actOnPaymentPage(payment.paymentUrl, 'pay');
      expect((await stack.gql(PAYMENT, { id: payment.id, locale: 'en-US' }, { user })).body.data!.payment.status).toBe('PAID');
      return payment.id as string;
    };
    const ids = [await pay(), await pay()];
    const page = () => stack.gql(PAYMENTS, { first: 20, locale: 'en-US' }, { user });
    const first = await page();
    expect(first.body.data!.payments.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[1], ids[0]]);
    const before = await cacheCounts();
    expect((await page()).text).toBe(first.text);
    expect((await cacheCounts()).hit - before.hit).toBe(1);

    const third = await pay();
    const after = await page();
    expect(after.body.data!.payments.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([third, ids[1], ids[0]]);
  });

  it('checks kept pages of several viewers with the records on them: one statement per batch on PostgreSQL, one per page on SQLite', async () => {
    const owners = [0, 1, 2].map((i) => `batch-${i}-${randomUUID().slice(0, 8)}`);
    for (const user of owners)
      for (let i = 0; i < 3; i++) expect((await stack.gql(CREATE, { input: validInput() }, { user })).body.errors).toBeUndefined();
    const records = await stack.records();
    const newestFirst = (ownerId: string) =>
      records
        .filter((row) => row.ownerId === ownerId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));
    const [a, b, c] = owners.map(newestFirst);
    // Pages as the stores record them: [owner, limit, after's createdAt, after's id, status].
    const pages = [
      [owners[0], 21, null, null, null],
      [owners[1], 2, null, null, null],
      [owners[2], 21, c[0].createdAt.getTime(), c[0].id, null],
      [owners[0], 21, null, null, 'PAID'],
    ].map((page) => `owner-page:${JSON.stringify(page)}`);
    const keys = [...pages, ...[...a, ...b, ...c].map((row) => `payment:${row.id}`)];

    const db = new Database(stack.app.dataSource);
    const repository = new PaymentRepository(db);
    let statements = 0;
    const logger = stack.app.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (...args) => (statements++, logQuery(...args));
    let versions: Map<string, string>;
    try {
      versions = await repository.versions.of(keys);
    } finally {
      logger.logQuery = logQuery;
    }
    // One statement for the four pages; b's oldest and c's newest are on no page, so they are read by id (one more).
    expect(statements).toBe(target === 'postgres' ? 2 : 5);
    expect(pages.map((key) => versions.get(key))).toEqual([
      a.map((row) => row.id).join(','),
      b
        .slice(0, 2)
        .map((row) => row.id)
        .join(','),
      c
        .slice(1)
        .map((row) => row.id)
        .join(','),
      '',
    ]);
    const stored = await repository.versions.of([...a, ...b, ...c].map((row) => `payment:${row.id}`));
    for (const row of [...a, ...b, ...c]) {
      expect(versions.get(`payment:${row.id}`)).toBe(versionOf(row));
      expect(stored.get(`payment:${row.id}`)).toBe(versionOf(row));
    }
  });

  it('always executes reads of unknown ids (nothing versions an absence)', async () => {
    const before = await cacheCounts();
    for (let i = 0; i < 2; i++)
      expect((await stack.gql(PAYMENT, { id: '9999999999999999', locale: 'en-US' })).body.data!.payment).toBeNull();
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit);
    expect(after.miss - before.miss).toBe(2);
  });
});
