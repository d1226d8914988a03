/**
 * /metrics counts GraphQL requests per operation and outcome, and their errors per code: most
 * errors arrive in HTTP 200 answers, which the HTTP metrics count as successes. The operation label
 * is the name of one of the shipped documents (client/src/gql/persisted-documents.json), or
 * `other`, whatever names clients make up.
 */
import { type TestStack, mintToken, startStack, validInput } from '../support/stack';

const PAYMENT = `query Payment($id: ID!) { payment(id: $id) { id status } }`;
const CREATE = `mutation CreateRemotePayment($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { id } }`;

describe('metrics per operation and error code', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('sqlite');
  });
  afterAll(() => stack.close());

  /** The value of every series of `name` on /metrics, by its labels as written there. */
  const series = async (name: string): Promise<Record<string, number>> => {
    const text = await (await fetch(`${stack.app.url}/metrics`)).text();
    const found: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
      if (match) found[match[1]] = Number(match[2]);
    }
    return found;
  };
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintToken('metrics-user')}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ extensions: { code: string } }> } };
  };

  it('counts each operation by its known name and outcome, and each error by its code, though the answers are HTTP 200', async () => {
    expect((await post({ query: PAYMENT, variables: { id: '1234567890123456' } })).status).toBe(200);
    const refused = await post({ query: CREATE, variables: { input: validInput({ currency: 'XXX' }) } });
    expect(refused.status).toBe(200);
    expect(refused.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    const created = await post({ query: CREATE, variables: { input: validInput() } });
    expect(created.body.errors).toBeUndefined();

    const operations = await series('bff_graphql_operations_total');
    expect(operations).toMatchObject({
      'operation="Payment",outcome="success"': 1,
      'operation="CreateRemotePayment",outcome="success"': 1,
      'operation="CreateRemotePayment",outcome="error"': 1,
    });
    expect(await series('bff_graphql_errors_total')).toEqual({ 'operation="CreateRemotePayment",code="BAD_USER_INPUT"': 1 });
  });

  it('labels unknown names "other", counts refused tokens and invalid documents, and keeps the label set bounded', async () => {
    for (let n = 0; n < 5; n++) await post({ query: `query Made${n}Up { __typename }` });
    await post({ query: PAYMENT, variables: { id: '1234567890123456' } }, { authorization: 'Bearer abc' });
    await post({ query: `query Payment { nope }`, operationName: 'Payment' });
    await post({ query: `{ __typename }`, operationName: 'x'.repeat(500) });

    const operations = await series('bff_graphql_operations_total');
    expect(operations['operation="other",outcome="success"']).toBe(5);
    expect(Object.keys(operations).filter((labels) => labels.includes('Made') || labels.includes('xxxxxxxx'))).toEqual([]);
    // The refused token: the operation the client named; the invalid document: the name it asked for.
    expect(operations['operation="Payment",outcome="error"']).toBe(2);
    expect(await series('bff_graphql_errors_total')).toMatchObject({
      'operation="Payment",code="UNAUTHENTICATED"': 1,
      'operation="Payment",code="GRAPHQL_VALIDATION_FAILED"': 1,
    });
  });

  it('counts a subscription sent over HTTP, which Apollo resolves and a plugin refuses, with its name and BAD_REQUEST', async () => {
    const before = (await series('bff_graphql_errors_total'))['operation="other",code="BAD_REQUEST"'] ?? 0;
    const refused = await post({ query: 'subscription Watch { paymentStatusChanged(id: "1234567890123456") { id } }' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect((await series('bff_graphql_errors_total'))['operation="other",code="BAD_REQUEST"']).toBe(before + 1);
  });

  it('counts refusals of the HTTP layer with their code', async () => {
    const before = (await series('bff_graphql_errors_total'))['operation="other",code="BAD_REQUEST"'] ?? 0;
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(response.status).toBe(400);
    expect((await series('bff_graphql_errors_total'))['operation="other",code="BAD_REQUEST"']).toBe(before + 1);
  });

  it('reports what each client-fillable cache holds, in bytes and entries, within its bound', async () => {
    const created = await post({ query: CREATE, variables: { input: validInput() } });
    expect(created.body.errors).toBeUndefined();
    const bytes = await series('bff_cache_bytes');
    const entries = await series('bff_cache_entries');
    for (const cache of ['answers', 'documents', 'persisted_queries', 'tokens', 'rate_limits', 'trusted_verdicts']) {
      expect(bytes[`cache="${cache}"`]).toBeGreaterThanOrEqual(0);
      expect(entries[`cache="${cache}"`]).toBeGreaterThanOrEqual(0);
    }
    // The create was parsed (a document kept), its token verified (kept), and its limits counted in memory.
    for (const cache of ['documents', 'tokens', 'rate_limits']) {
      expect(bytes[`cache="${cache}"`]).toBeGreaterThan(0);
      expect(entries[`cache="${cache}"`]).toBeGreaterThan(0);
    }
    // The default bounds (GRAPHQL_ANSWER_CACHE_BYTES, GRAPHQL_DOCUMENT_CACHE_BYTES).
    expect(bytes['cache="answers"']).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(bytes['cache="documents"']).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
