/**
 * Whole answers of repeated `payment(id)` reads are kept per viewer and reused only while every
 * record they show is stored as it was shown. What must hold: a repeated read of a payment that
 * stopped changing is served from the cache and byte for byte the executed answer; a write to the
 * record from anywhere (here: another process writing the database directly, as another replica
 * would) is seen at once; another viewer never gets the owner's answer; a payment the freshness
 * policy would confirm again is never served from the cache; other documents are always executed.
 */
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';
import { describeEachDatabase } from '../support/database';
import { CREATE, READ, READ_WITH_EVENTS, type TestStack, actOnPaymentPage, mintToken, startStack, validInput } from '../support/stack';

describeEachDatabase('answer cache', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    // PENDING is confirmed on every read (TTL 0); PAID is not re-confirmed for an hour. Answers over 16 KiB are never kept.
    stack = await startStack(target, { STATUS_TTL_MS: '0', PAID_STATUS_TTL_MS: '3600000', GRAPHQL_ANSWER_CACHE_ENTRY_BYTES: '16384' });
  });
  afterAll(() => stack?.close());

  async function cacheCounts(): Promise<Record<'hit' | 'stale' | 'miss' | 'shared', number>> {
    const text = await (await fetch(`${stack.app.url}/metrics`)).text();
    const count = (result: string) => Number(new RegExp(`bff_answer_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { hit: count('hit'), stale: count('stale'), miss: count('miss'), shared: count('shared') };
  }

  /** Writes the record as another replica (or an operator's tool) would: not through this process. */
  async function writeOutside(cashiiId: string, status: string, updatedAt: number): Promise<void> {
    const url = stack.app.dataSource.options;
    if (url.type === 'better-sqlite3') {
      const outside = new Sqlite(url.database);
      outside.prepare('UPDATE payment_orders SET status = ?, "updatedAt" = ? WHERE "cashiiId" = ?').run(status, updatedAt, cashiiId);
      outside.close();
    } else {
      const client = new Client({ connectionString: (url as { url: string }).url });
      await client.connect();
      await client.query('UPDATE payment_orders SET status = $1, "updatedAt" = $2 WHERE "cashiiId" = $3', [status, updatedAt, cashiiId]);
      await client.end();
    }
  }

  async function paidPayment(input = validInput()): Promise<string> {
    const created = await stack.gql(CREATE, { input });
    const id = created.body.data!.createRemotePayment.id as string;
    await actOnPaymentPage(created.body.data!.createRemotePayment.paymentUrl, 'pay');
    expect((await stack.gql(READ, { id })).body.data!.payment.status).toBe('PAID');
    return id;
  }

  it('serves a repeated read of a paid payment from the cache, byte for byte, and sees a write made elsewhere at once', async () => {
    const id = await paidPayment();
    const first = await stack.gql(READ, { id }); // executed, kept
    const before = await cacheCounts();
    const second = await stack.gql(READ, { id });
    const third = await stack.gql(READ, { id });
    const after = await cacheCounts();
    expect(after.hit - before.hit).toBe(2);
    expect(second.text).toBe(first.text);
    expect(third.text).toBe(first.text);

    // Refunded, as another replica would store it: the kept answer is stale on its next use.
    const refundedAt = Date.now() + 1000;
    await writeOutside(id, 'REFUNDED', refundedAt);
    const fresh = await stack.gql(READ, { id });
    expect(fresh.body.data!.payment.status).toBe('REFUNDED');
    expect(Date.parse(fresh.body.data!.payment.updatedAt)).toBe(refundedAt);
    expect((await cacheCounts()).stale - after.stale).toBe(1);
  });

  it('answers a read larger than the per-entry cap in full every time, and never keeps it', async () => {
    const metadata = { blob: 'm'.repeat(7000), arabic: 'دفع'.repeat(100) };
    const id = await paidPayment(validInput({ metadata }));
    const before = await cacheCounts();
    const first = await stack.gql(READ, { id });
    const second = await stack.gql(READ, { id });
    const third = await stack.gql(READ, { id });
    expect(first.body.data!.payment.metadata).toEqual(metadata);
    expect(Buffer.byteLength(first.text)).toBeGreaterThan(7600);
    expect(second.text).toBe(first.text);
    expect(third.text).toBe(first.text);
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit); // executed every time: nothing was kept
    expect(after.miss - before.miss).toBe(3);

    // A read of a payment without such metadata is still kept.
    const small = await paidPayment(); // its last step reads it: executed and kept
    const mark = await cacheCounts();
    await stack.gql(READ, { id: small });
    expect((await cacheCounts()).hit - mark.hit).toBe(1);
  });

  it("never gives one viewer another viewer's kept answer", async () => {
    const id = await paidPayment();
    await stack.gql(READ, { id });
    await stack.gql(READ, { id });
    const stranger = await stack.gql(READ, { id }, { user: 'user-b' });
    expect(stranger.body.errors).toBeUndefined();
    expect(stranger.body.data!.payment).toBeNull();
  });

  it('keeps the answers of one user apart by role: a token with the operator role never gets the answer kept for a plain one', async () => {
    const id = await paidPayment();
    await stack.gql(READ, { id });
    await stack.gql(READ, { id }); // kept for user-a as a plain user
    const before = await cacheCounts();
    const asOperator = await stack.gql(
      READ,
      { id },
      { headers: { authorization: `Bearer ${await mintToken('user-a', { roles: ['payments-operator'] })}` } },
    );
    expect(asOperator.body.data!.payment.id).toBe(id);
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit);
    expect(after.miss - before.miss).toBe(1);
  });

  it('never serves a pending payment that the freshness policy would confirm with Cashii', async () => {
    const created = await stack.gql(CREATE, { input: validInput() });
    const id = created.body.data!.createRemotePayment.id as string;
    const gets = (await stack.simulatorStats()).get;
    const before = await cacheCounts();
    for (let i = 0; i < 3; i++) expect((await stack.gql(READ, { id })).body.data!.payment.status).toBe('PENDING');
    expect((await stack.simulatorStats()).get - gets).toBe(3);
    expect((await cacheCounts()).hit).toBe(before.hit);
  });

  it('answers identical reads that arrive while one is confirming with Cashii from that one confirmation', async () => {
    const created = await stack.gql(CREATE, { input: validInput() });
    const id = created.body.data!.createRemotePayment.id as string;
    const before = await cacheCounts();
    const gets = (await stack.simulatorStats()).get;
    stack.simulator.state.latencyMs = 150;
    try {
      const reads = await Promise.all(Array.from({ length: 20 }, () => stack.gql(READ, { id })));
      for (const read of reads) expect(read.body.data!.payment).toMatchObject({ id, status: 'PENDING' });
      const other = await Promise.all([stack.gql(READ, { id }, { user: 'user-b' }), stack.gql(READ, { id })]);
      expect(other[0].body.data!.payment).toBeNull(); // another viewer never joins the owner's read
      expect(other[1].body.data!.payment.status).toBe('PENDING');
    } finally {
      stack.simulator.state.latencyMs = 0;
    }
    const after = await cacheCounts();
    expect(after.shared - before.shared).toBeGreaterThanOrEqual(10);
    expect((await stack.simulatorStats()).get - gets).toBeLessThanOrEqual(4);
  });

  it('always executes documents outside the cacheable shape (history, arguments, fragments, unknown ids)', async () => {
    const id = await paidPayment();
    const before = await cacheCounts();
    const documents = [
      READ_WITH_EVENTS,
      'query Read($id: ID!) { payment(id: $id) { id formattedAmount(locale: "en-US") } }',
      'query Read($id: ID!) { payment(id: $id) { ...F } } fragment F on RemotePayment { id status }',
      'query Read($id: ID!) { payment(id: $id) { id status } payments(first: 1) { edges { node { id } } } }',
    ];
    for (const query of documents) {
      for (let i = 0; i < 2; i++) expect((await stack.gql(query, { id })).body.errors).toBeUndefined();
    }
    const unknown = '9999999999999999';
    for (let i = 0; i < 2; i++) expect((await stack.gql(READ, { id: unknown })).body.data!.payment).toBeNull();
    const after = await cacheCounts();
    expect(after.hit).toBe(before.hit);
    expect(after.miss - before.miss).toBe(2); // only the unknown id has the shape: looked up, never kept
  });

  it('answers a cacheable read whose variable is nested 40,000 levels deep with a coded error, not a 500', async () => {
    const deep = `${'['.repeat(40_000)}1${']'.repeat(40_000)}`;
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintToken('user-a')}` },
      body: `{"query":${JSON.stringify(READ)},"variables":{"id":${deep}}}`,
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps answers apart by the media type the client accepts', async () => {
    const id = await paidPayment();
    const json = await fetchRaw(id, 'application/json');
    const again = await fetchRaw(id, 'application/json');
    const graphqlResponse = await fetchRaw(id, 'application/graphql-response+json');
    const graphqlAgain = await fetchRaw(id, 'application/graphql-response+json');
    expect(json.type).toMatch(/^application\/json/);
    expect(again).toEqual(json);
    expect(graphqlResponse.type).toMatch(/^application\/graphql-response\+json/);
    expect(graphqlAgain).toEqual(graphqlResponse);
  });

  async function fetchRaw(id: string, accept: string): Promise<{ type: string; body: string }> {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${await mintToken('user-a')}` },
      body: JSON.stringify({ query: READ, variables: { id } }),
    });
    return { type: response.headers.get('content-type') ?? '', body: await response.text() };
  }
});
