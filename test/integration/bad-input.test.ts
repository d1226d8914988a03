/**
 * Every invalid input is BAD_USER_INPUT naming its field, and is refused before any row is
 * written or any request reaches Cashii.
 */
import { describeEachDatabase } from '../support/database';
import { CREATE, READ, type TestStack, expectNoSecrets, startStack, validInput } from '../support/stack';

const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
function nest(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

const CASES: Array<[string, Record<string, unknown>, string]> = [
  ['amount 0', { amount: 0 }, 'amount'],
  ['amount -1', { amount: -1 }, 'amount'],
  ['amount 10.5', { amount: 10.5 }, 'amount'],
  ['amount as a string', { amount: '100' }, 'amount'],
  ['amount 2^53 + 1', { amount: 2 ** 53 + 1 }, 'amount'],
  ['amount null', { amount: null }, 'amount'],
  ['amount missing', { amount: undefined }, 'amount'],
  ['currency in lower case', { currency: 'usd' }, 'currency'],
  ['currency not on the allowlist', { currency: 'XXX' }, 'currency'],
  ['currency of two letters', { currency: 'US' }, 'currency'],
  ['currency of four letters', { currency: 'USDD' }, 'currency'],
  ['currency in full-width letters', { currency: 'ＵＳＤ' }, 'currency'],
  ['note over 500 characters', { note: 'x'.repeat(501) }, 'note'],
  ['note with a control character', { note: 'hello\u0007' }, 'note'],
  ['note with a lone surrogate', { note: 'bad \ud800 text' }, 'note'],
  ['metadata over 8 KB', { metadata: { blob: 'x'.repeat(8200) } }, 'metadata'],
  ['metadata deeper than 5', { metadata: deep }, 'metadata'],
  ['metadata that is an array', { metadata: [1, 2] }, 'metadata'],
  ['metadata with a __proto__ key', { metadata: JSON.parse('{"__proto__": {"polluted": true}}') }, 'metadata'],
  ['payableTo of 15 digits', { payableTo: '123456789012345' }, 'payableTo'],
  ['payableTo with letters', { payableTo: '12345678901234ab' }, 'payableTo'],
  ['payableTo in Arabic-Indic digits', { payableTo: '١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦' }, 'payableTo'],
  ['redirectUrl that is relative', { redirectUrl: '/return' }, 'redirectUrl'],
  ['redirectUrl on another origin', { redirectUrl: 'https://evil.example/return' }, 'redirectUrl'],
  ['redirectUrl with javascript:', { redirectUrl: 'javascript:alert(1)' }, 'redirectUrl'],
  ['redirectUrl with userinfo', { redirectUrl: 'http://localhost@evil.example/' }, 'redirectUrl'],
  ['redirectUrl protocol-relative', { redirectUrl: '//evil.example/return' }, 'redirectUrl'],
  ['redirectUrl missing', { redirectUrl: undefined }, 'redirectUrl'],
  ['orderId over 128 characters', { orderId: 'o'.repeat(129) }, 'orderId'],
  ['a 10 KB note', { note: 'n'.repeat(10 * 1024) }, 'note'],
  ['metadata 100 levels deep', { metadata: nest(100) }, 'metadata'],
  ['metadata with a constructor key', { metadata: { constructor: { prototype: 1 } } }, 'metadata'],
  ['payableTo of 17 digits', { payableTo: '12345678901234567' }, 'payableTo'],
  ['payableTo with spaces', { payableTo: '1234 5678 9012 3456' }, 'payableTo'],
  ['redirectUrl on a look-alike host', { redirectUrl: 'http://localhost.evil.example:3000/return' }, 'redirectUrl'],
  ['redirectUrl with backslashes', { redirectUrl: 'http:\\\\evil.example\\return' }, 'redirectUrl'],
  ['redirectUrl with data:', { redirectUrl: 'data:text/html,<script>alert(1)</script>' }, 'redirectUrl'],
  ['an idempotency key of 256 characters', { idempotencyKey: 'k'.repeat(256) }, 'idempotencyKey'],
  ['an idempotency key with a newline', { idempotencyKey: 'key\nnext' }, 'idempotencyKey'],
  ['an unknown input field', { surprise: 1 }, 'surprise'],
];

describeEachDatabase('bad input', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack(target);
  });
  afterAll(async () => {
    expectNoSecrets(stack);
    await stack?.close();
  });

  it.each(CASES)('refuses %s as BAD_USER_INPUT before writing or calling Cashii', async (_name, overrides, field) => {
    const before = await stack.simulatorStats();
    const response = await stack.gql(CREATE, { input: validInput(overrides) });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.text).not.toMatch(/stack|at \w+ \(|node_modules/);
    expect(await stack.records()).toHaveLength(0);
    expect((await stack.simulatorStats()).create).toBe(before.create);
  });

  it('refuses an inline literal of the wrong type with the field named', async () => {
    const response = await stack.gql(
      `mutation { createRemotePayment(input: { amount: 10.5, currency: "SYP", redirectUrl: "http://localhost:3000/" }) { id } }`,
    );
    expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    expect(await stack.records()).toHaveLength(0);
  });

  it.each([
    ['15 digits', '123456789012345'],
    ['letters', 'abcdefghijklmnop'],
    ['17 digits', '12345678901234567'],
    ['SQL text', "1' OR '1'='1"],
    ['a zero-width space', '123456789012345\u200b6'],
    ['Arabic-Indic digits', '١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦'],
  ])('refuses payment(id) with %s', async (_name, id) => {
    const before = await stack.simulatorStats();
    const response = await stack.gql(READ, { id });
    expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await stack.simulatorStats()).get).toBe(before.get);
  });
});
