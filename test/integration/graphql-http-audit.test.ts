/**
 * The GraphQL over HTTP audit of graphql-http (the spec's reference implementation) against the
 * running server: no requirement (MUST) fails, and the recommendations (SHOULD) it misses are
 * exactly the three known ones, so a change that adds a warning fails here.
 */
import { type AuditResult, serverAudits } from 'graphql-http';
import { type TestStack, startStack } from '../support/stack';

/**
 * Apollo Server answers a document that does not parse, does not validate, or whose variables do
 * not coerce with 400 also when the client accepts only `application/json`, where the spec's
 * legacy mode recommends 200. Apollo Client 4 and urql ask for `application/graphql-response+json`,
 * for which 400 is what the spec wants, and read the code either way.
 */
const KNOWN_WARNINGS = ['572B', 'FDE2', '7B9B'];

describe('GraphQL over HTTP audit (graphql-http)', () => {
  let stack: TestStack;
  let results: AuditResult[];
  beforeAll(async () => {
    stack = await startStack('sqlite', { AUTH_MODE: 'dev' });
    results = [];
    for (const audit of serverAudits({ url: `${stack.app.url}/graphql` })) results.push(await audit.fn());
  });
  afterAll(() => stack.close());

  const describeResult = (result: AuditResult) => `${result.id} ${result.name}${'reason' in result ? `: ${result.reason}` : ''}`;

  it('reports no error', () => {
    expect(results.length).toBeGreaterThan(50);
    expect(results.filter((result) => result.status === 'error').map(describeResult)).toEqual([]);
  });

  it('reports only the three known warnings', () => {
    const warnings = results.filter((result) => result.status === 'warn');
    expect(warnings.map((result) => result.id).sort()).toEqual([...KNOWN_WARNINGS].sort());
  });
});
