/** The GraphQL edge refuses abusive requests with coded errors and no internals, and production hides the schema. */
import { CREATE, type GraphQLResponse, READ, type TestStack, expectNoSecrets, mintToken, startStack, validInput } from '../support/stack';

describe('the hardened edge', () => {
  let stack: TestStack;
  let token: string;
  beforeAll(async () => {
    // 40 aliases allowed here, so 31 aliased lookups break the lookup limit and not the alias one.
    stack = await startStack('sqlite', { METRICS_TOKEN: 'metrics-secret', RATE_LIMIT_CONFIRM_PER_VIEWER: '2', GRAPHQL_MAX_ALIASES: '40' });
    token = await mintToken('edge-user');
  });
  afterAll(async () => {
    expectNoSecrets(stack);
    await stack.close();
  });

  const raw = (init: RequestInit & { path?: string }) =>
    fetch(`${stack.app.url}${init.path ?? '/graphql'}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });

  it('refuses a 40-level deep query', async () => {
    // 40 levels of selection sets (the schema's own shape does not matter: depth is checked first).
    const deep = `{ ${'payments { edges { node { '.repeat(13)} id ${'} } } '.repeat(13)}}`;
    const response = await stack.gql(deep);
    expect(response.status).toBe(400);
    expect(response.body.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(response.body.errors![0].message).toContain('nested deeper than 10 levels');
  });

  it('refuses 500 aliases, and more than 30 payment lookups in one operation', async () => {
    const aliases = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect((await stack.gql(aliases)).body.errors![0].message).toContain('more than 40 aliases');
    const lookups = `query { ${Array.from({ length: 31 }, (_, i) => `p${i}: payment(id: "${String(1e15 + i)}") { id }`).join(' ')} }`;
    const response = await stack.gql(lookups);
    expect(response.body.errors![0].message).toBe('The operation looks up more than 30 payments');
  });

  it('serves /metrics only with the metrics token when one is set', async () => {
    const missing = await fetch(`${stack.app.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const wrong = await fetch(`${stack.app.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe(
      'Bearer realm="metrics", error="invalid_token", error_description="Metrics need the metrics token"',
    );
    const metrics = await fetch(`${stack.app.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret' } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('bff_cashii_circuit_state');
  });

  it('rate limits confirmPaymentReturn per viewer (each call reads Cashii)', async () => {
    const input = { reference: '00000000-0000-4000-8000-000000000000', transactionId: 't', status: 'paid', signature: 's' };
    const query = `mutation($input: ConfirmPaymentReturnInput!) { confirmPaymentReturn(input: $input) { id } }`;
    for (let i = 0; i < 2; i++)
      expect((await stack.gql(query, { input }, { user: 'returner' })).body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await stack.gql(query, { input }, { user: 'returner' })).body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('refuses a batched request', async () => {
    const response = await raw({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batch/i);
  });

  it('refuses a mutation over GET', async () => {
    const query = encodeURIComponent(
      'mutation { createRemotePayment(input: {amount: 1, currency: "USD", redirectUrl: "http://localhost/"}) { id } }',
    );
    const response = await raw({ method: 'GET', path: `/graphql?query=${query}`, headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    expect((await stack.simulatorStats()).create).toBe(0);
  });

  it('refuses a text/plain POST without a preflight header (CSRF)', async () => {
    const response = await raw({
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
  });

  it('refuses a body over the limit (1 MB of metadata) with 413 before parsing it', async () => {
    const input = validInput({ metadata: { blob: 'x'.repeat(1024 * 1024) } });
    const response = await raw({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE, variables: { input } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Request body is larger than 102400 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(await stack.records()).toHaveLength(0);
  });

  it('limits page sizes and refuses a forged cursor', async () => {
    const big = await stack.gql(`{ payments(first: 101) { edges { cursor } } }`);
    expect(big.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await stack.gql(`{ payments(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
    expect(forged.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages through the viewer’s payments newest first, with a status filter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await stack.gql(CREATE, { input: validInput({ amount: 100 + i }) }, { user: 'pager' })).body.data!.createRemotePayment.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: GraphQLResponse = await stack.gql(
        `query($after: String) { payments(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        { user: 'pager' },
      );
      const connection = response.body.data!.payments as {
        edges: Array<{ node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      seen.push(...connection.edges.map((e) => e.node.id));
      expect(connection.pageInfo.hasNextPage).toBe(page < 2);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    const paid = await stack.gql(`{ payments(status: PAID) { edges { node { id } } } }`, {}, { user: 'pager' });
    expect(paid.body.data!.payments.edges).toEqual([]);
  });
});

describe('the edge in production', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('sqlite', { NODE_ENV: 'production', HOST: '127.0.0.1', REDIRECT_ALLOWED_ORIGINS: 'https://shop.example' });
  });
  afterAll(() => stack.close());

  it('turns off introspection, the landing page and "Did you mean" suggestions', async () => {
    const introspection = await stack.gql('{ __schema { types { name } } }');
    expect(introspection.body.errors![0].message).toMatch(/introspection/i);
    const typo = await stack.gql('{ paymnt(id: "1234567890123456") { id } }');
    expect(typo.text).not.toMatch(/Did you mean/);
    const landing = await fetch(`${stack.app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(landing.headers.get('content-type')).not.toContain('text/html');
    expect(await landing.text()).not.toMatch(/embeddable-sandbox|<html/i);
  });

  it('accepts only https return URLs on the configured origins', async () => {
    const http = await stack.gql(CREATE, { input: validInput({ redirectUrl: 'http://shop.example/return' }) });
    expect(http.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'redirectUrl' });
    const ok = await stack.gql(CREATE, { input: validInput({ redirectUrl: 'https://shop.example/return' }) });
    expect(ok.body.data!.createRemotePayment.status).toBe('PENDING');
    expect((await stack.gql(READ, { id: ok.body.data!.createRemotePayment.id })).body.data!.payment.id).toMatch(/^\d{16}$/);
  });
});
