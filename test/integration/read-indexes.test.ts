/**
 * The repeated reads go through their indexes whatever the planner's statistics say (a PostgreSQL
 * without autovacuum has none): the reconciler's claim and its backlog count (the partial due
 * index), the review queue (its partial index), an owner's page of payments. Each statement is
 * captured as the BFF runs it and explained on its database; on PostgreSQL sequential scans are
 * priced out, so the plan shows whether the index can serve the statement at all.
 */
import { Database } from '../../src/db/database';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { describeEachDatabase } from '../support/database';
import { CREATE, type TestStack, mintToken, startStack, validInput } from '../support/stack';

describeEachDatabase('read indexes', (target) => {
  let stack: TestStack;
  let captured: Array<{ sql: string; params: unknown[] }> = [];
  beforeAll(async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' });
    const logger = stack.app.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (sql, params, runner) => {
      captured.push({ sql, params: Array.isArray(params) ? params : [] });
      return logQuery(sql, params, runner);
    };
    for (let i = 0; i < 3; i++)
      await stack.gql(CREATE, { input: validInput({ orderId: `ix-${i}`, amount: 100 + i }) }, { user: 'indexed' });
  });
  afterAll(() => stack.close());

  async function planOf(run: () => Promise<unknown>, statement: RegExp): Promise<string> {
    captured = [];
    await run();
    const found = captured.find((query) => statement.test(query.sql));
    if (!found) throw new Error(`no statement matching ${statement} among ${captured.map((q) => q.sql.slice(0, 60)).join(' | ')}`);
    const runner = stack.app.dataSource.createQueryRunner();
    try {
      if (target === 'sqlite') {
        const rows = (await runner.query(`EXPLAIN QUERY PLAN ${found.sql}`, found.params)) as Array<{ detail: string }>;
        return rows.map((row) => row.detail).join('\n');
      }
      await runner.startTransaction();
      await runner.query('SET LOCAL enable_seqscan = off');
      const rows = (await runner.query(`EXPLAIN ${found.sql}`, found.params)) as Array<{ 'QUERY PLAN': string }>;
      await runner.rollbackTransaction();
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await runner.release();
    }
  }

  it('claims due payments and counts the backlog through the partial due index', async () => {
    const repository = new PaymentRepository(new Database(stack.app.dataSource));
    const now = new Date();
    expect(await planOf(() => repository.claimDue(now, 20, new Date(now.getTime() + 60_000)), /nextCheckAt[\s\S]*LIMIT/)).toContain(
      'idx_payment_orders_due_open',
    );
    expect(await planOf(() => repository.countDue(now, 1000), /^SELECT .*nextCheckAt/)).toContain('idx_payment_orders_due_open');
  });

  it('reads the review queue, whole or by reason, through its partial index', async () => {
    const operator = { authorization: `Bearer ${await mintToken('operator-ix', { roles: ['payments-operator'] })}` };
    for (const args of ['', '(reason: STALE)', '(reason: SUPERSEDED_PAID)']) {
      const query = `{ reviewQueue${args} { edges { node { reference } } } }`;
      expect(await planOf(() => stack.gql(query, {}, { headers: operator }), /reviewResolvedAt/)).toContain(
        'idx_payment_orders_review_queue',
      );
    }
  });

  it("reads an owner's page of payments through (ownerId, createState, createdAt, id)", async () => {
    const page = `{ payments(first: 2) { edges { node { id } } } }`;
    expect(await planOf(() => stack.gql(page, {}, { user: 'indexed' }), /ORDER BY .*createdAt/)).toContain('idx_payment_orders_owner_page');
  });
});
