/**
 * No N+1: a page of payments with their events and orders, and a page of the review queue with
 * each payment's history, cost the same number of SQL statements whatever the page's length.
 */
import { describeEachDatabase } from '../support/database';
import { CREATE, type TestStack, mintToken, startStack, validInput } from '../support/stack';

const PAGE = `query Page($first: Int!) {
  payments(first: $first) {
    edges { node { id events { to source } order { orderId status payments { id status } paidPayment { id } } } }
  }
}`;
const QUEUE = `query Queue($first: Int!) {
  reviewQueue(first: $first) { edges { node { reference queueReason history { source note } payment { id order { orderId } } } } }
}`;

describeEachDatabase('SQL batching', (target) => {
  let stack: TestStack;
  let operator: Record<string, string>;
  let statements = 0;
  beforeAll(async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' });
    operator = { authorization: `Bearer ${await mintToken('operator-1', { roles: ['payments-operator'] })}` };
    // Every statement TypeORM runs goes through its logger, plain SQL included.
    const logger = stack.app.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (...args) => {
      statements++;
      return logQuery(...args);
    };
    for (let i = 0; i < 12; i++) {
      const created = await stack.gql(
        CREATE,
        { input: validInput({ orderId: `batch-${target}-${i}`, amount: 1000 + i }) },
        { user: 'pager' },
      );
      expect(created.body.errors).toBeUndefined();
    }
    // Twelve payments in the review queue (stale: past the reconciler's horizon).
    await stack.app.dataSource.query(`UPDATE payment_orders SET "staleAt" = 1 WHERE "ownerId" = 'pager'`);
  });
  afterAll(() => stack.close());

  const countStatements = async (run: () => Promise<{ body: { errors?: unknown; data?: unknown } }>) => {
    const before = statements;
    const response = await run();
    expect(response.body.errors).toBeUndefined();
    return statements - before;
  };

  it('reads a page of payments with events and orders in a constant number of statements', async () => {
    const small = await countStatements(() => stack.gql(PAGE, { first: 2 }, { user: 'pager' }));
    const large = await countStatements(() => stack.gql(PAGE, { first: 12 }, { user: 'pager' }));
    expect(large).toBe(small);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(5);
  });

  it("reads a page of the review queue with each payment's history in a constant number of statements", async () => {
    const small = await countStatements(() => stack.gql(QUEUE, { first: 2 }, { headers: operator }));
    const large = await countStatements(() => stack.gql(QUEUE, { first: 12 }, { headers: operator }));
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(5);
  });
});
