/**
 * Operation limits on the real schema and server: a 100 KB flood of directives is refused while
 * parsing (coded, in milliseconds), the directive limit answers a coded validation error, and the
 * payment-lookup cap follows the schema's `payment` field, not a name written in the rule.
 */
import { type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { LOOKUP_COST, operationLimitRules } from '../../src/graphql/limits';
import { type TestStack, mintToken, startStack } from '../support/stack';

describe('the payment-lookup cap', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema();
  });

  it('is declared on the schema field `payment` (@Extensions({ lookupCost: 1 }) on the resolver)', () => {
    expect(schema.getQueryType()!.getFields().payment?.extensions[LOOKUP_COST]).toBe(1);
    const marked = Object.values(schema.getQueryType()!.getFields()).filter((field) => field.extensions[LOOKUP_COST] !== undefined);
    expect(marked.map((field) => field.name)).toEqual(['payment']);
  });

  it('refuses 31 aliased lookups of the real schema and lets 30 through', () => {
    const limits = { maxDepth: 10, maxAliases: 100, maxPaymentLookups: 30, maxFields: 500 };
    const lookups = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `p${i}: payment(id: "${String(1e15 + i)}") { id }`).join(' ')} }`;
    const errorsOf = (source: string) =>
      validate(schema, parse(source), [...specifiedRules, ...operationLimitRules(limits)]).map((e) => e.message);
    expect(errorsOf(lookups(30))).toEqual([]);
    expect(errorsOf(lookups(31))).toEqual(['The operation looks up more than 30 payments']);
  });
});

describe('a flood of directives', () => {
  let stack: TestStack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack('sqlite');
    token = await mintToken('flooder');
  });
  afterAll(() => stack.close());

  const post = async (body: string) => {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const query = (source: string) => post(JSON.stringify({ query: source }));

  // How long the refusal takes is the bench's to measure (before the token limit, 120-350 ms here: every directive parsed, then validated).
  it('of 100 KB is refused while parsing, at the token limit, with a coded 400; a harmless body of that size passes', async () => {
    // Just under the 100 KB body limit: about 34,000 directives.
    const flood = JSON.stringify({ query: `{ __typename ${'@a '.repeat(Math.floor((100 * 1024 - 40) / 3))}}` });
    // The same bytes to upload and JSON-parse, but a tiny document.
    const padded = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(flood.length - 50) } });
    const first = await post(flood);
    expect(first.status).toBe(400);
    const body = JSON.parse(first.text) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors[0].message).toMatch(/more that 2000 tokens/);
    expect((await post(padded)).status).toBe(200);
  });

  it('of more than 50 directives under the token limit is a coded validation error', async () => {
    const response = await query(`{ __typename ${'@a '.repeat(51)}}`);
    expect(response.status).toBe(400);
    const body = JSON.parse(response.text) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({
      message: 'The operation uses more than 50 directives',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
