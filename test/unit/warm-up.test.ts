/**
 * The warm-up's budget: once it is spent the replica starts taking traffic, and nothing of the
 * warm-up that has not started yet starts after it (the operator's second run of a query a
 * customer was refused). The warm-up against the real app is test/integration/warm-up.test.ts.
 */
import type { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import type { GraphQLContext } from '../../src/graphql/context';
import { warmUp } from '../../src/graphql/warm-up';
import { createLogger } from '../../src/logger';

const schema = buildSchema('type Query { payment(id: ID!): String, reviewQueue: [String] }');
const DOCUMENTS = ['query Payment($id: ID!) { payment(id: $id) }', 'query ReviewQueue { reviewQueue }'];

/** Apollo's executeOperation, answering FORBIDDEN when `answer()` is called; every call is recorded. */
function heldApollo(): { apollo: ApolloServer<GraphQLContext>; calls: Array<{ operator: boolean }>; answer: () => void } {
  const calls: Array<{ operator: boolean }> = [];
  const waiting: Array<() => void> = [];
  const executeOperation = (_request: unknown, { contextValue }: { contextValue: GraphQLContext }) => {
    calls.push({ operator: contextValue.viewer.operator === true });
    return new Promise((resolve) =>
      waiting.push(() =>
        resolve({ body: { kind: 'single', singleResult: { errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] } } }),
      ),
    );
  };
  return {
    apollo: { executeOperation } as unknown as ApolloServer<GraphQLContext>,
    calls,
    answer: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

function options(apollo: ApolloServer<GraphQLContext>, budgetMs: number) {
  return {
    apollo,
    schema,
    documents: DOCUMENTS,
    contextFor: (viewer: GraphQLContext['viewer']) => ({ viewer }) as GraphQLContext,
    openConnections: () => Promise.resolve(),
    log: createLogger('silent', { write: () => undefined }),
    budgetMs,
  };
}

/** Lets every promise callback and immediate queued so far run. */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('warmUp', () => {
  it("runs a customer's refused query again as an operator when the budget allows", async () => {
    const held = heldApollo();
    const report = warmUp(options(held.apollo, 60_000));
    await drain();
    held.answer();
    await drain();
    held.answer();
    await expect(report).resolves.toMatchObject({ operations: 4, cut: false, errors: { FORBIDDEN: 4 } });
    expect(held.calls.map((call) => call.operator)).toEqual([false, false, true, true]);
  });

  it('starts nothing once the budget is spent: the operator runs of the refused queries are left out', async () => {
    const held = heldApollo();
    // The budget ends while the customer's runs wait for their answers.
    const report = await warmUp(options(held.apollo, 0));
    expect(report).toMatchObject({ cut: true, operations: 0 });
    held.answer();
    await drain();
    await drain();
    expect(held.calls).toEqual([{ operator: false }, { operator: false }]);
  });
});
