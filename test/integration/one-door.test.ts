/**
 * The payments service is the one door: a caller that is not GraphQL (a job, a script, a future
 * REST or queue entry) gets exactly the refusals the API gives, and the same normalisation (so
 * the same idempotency hash) before anything is stored or sent to Cashii.
 */
import { AppError } from '../../src/common/errors';
import { describeEachDatabase } from '../support/database';
import { CREATE, type TestStack, startStack, validInput } from '../support/stack';

const BAD_INPUTS: Array<[string, Record<string, unknown>]> = [
  ['amount zero', { amount: 0 }],
  ['amount over the configured maximum', { amount: 1e15, currency: 'USD' }],
  ['a lower-case currency', { currency: 'usd' }],
  ['a currency not on the list', { currency: 'GBP' }],
  ['a note too long once normalised', { note: '\uFB2C'.repeat(500) }],
  ['a bidirectional override in the note', { note: 'pay \u202Eevil' }],
  ['metadata too deep', { metadata: { a: { b: { c: { d: { e: { f: 1 } } } } } } }],
  ['a payableTo that is no account', { payableTo: '12' }],
  ['a redirect to another origin', { redirectUrl: 'https://evil.example/back' }],
  ['an idempotency key with a control character', { idempotencyKey: 'k\u0001' }],
];

describeEachDatabase('the one door into payments', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack(target, { AMOUNT_MAX: '100000000000000' });
  });
  afterAll(() => stack.close());

  it.each(BAD_INPUTS)('refuses %s the same way when called directly as over HTTP', async (_name, change) => {
    const input = validInput(change);
    const before = (await stack.simulatorStats()).create;
    const overHttp = (await stack.gql(CREATE, { input })).body.errors![0];
    const direct = await stack.app.payments.create(input as never, 'user-a').then(
      () => null,
      (error: unknown) => error,
    );
    expect(direct).toBeInstanceOf(AppError);
    const refusal = direct as AppError;
    expect({ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }).toEqual({
      message: overHttp.message,
      extensions: overHttp.extensions,
    });
    expect(overHttp.extensions!.code).toBe('BAD_USER_INPUT');
    expect((await stack.simulatorStats()).create).toBe(before);
    expect(await stack.records()).toEqual([]);
  });

  it('normalises for every caller: a direct create and an API create with one key and equal text are one payment', async () => {
    const key = 'door-nfc-1';
    const direct = await stack.app.payments.create(validInput({ note: 'Cafe\u0301', idempotencyKey: key }) as never, 'user-a');
    const overHttp = await stack.gql(CREATE, { input: validInput({ note: 'Caf\u00e9', idempotencyKey: key }) });
    expect(overHttp.body.errors).toBeUndefined();
    expect(overHttp.body.data!.createRemotePayment.id).toBe(direct.id);
    expect(direct.note).toBe('Caf\u00e9');
  });
});
