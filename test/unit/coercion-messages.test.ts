/**
 * Pins the seam in format-error.ts: the installed graphql-js must still word its input coercion
 * errors the way COERCION_MESSAGE and coercionField read them. Each message is produced by
 * graphql-js itself (never typed here), so an upgrade that rewords one fails this test.
 */
import { type GraphQLError, parse, validate } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { buildAppSchema } from '../../src/graphql/schema';
import { COERCION_MESSAGE, coercionField } from '../../src/graphql/format-error';

const CREATE = 'mutation C($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { id } }';
const GOOD = { amount: 1, currency: 'USD', redirectUrl: 'http://localhost/back' };

async function variableErrors(input: unknown): Promise<readonly GraphQLError[]> {
  const schema = await buildAppSchema();
  const operation = parse(CREATE).definitions[0];
  if (operation.kind !== 'OperationDefinition') throw new Error('no operation');
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], { input });
  return result.errors ?? [];
}

async function literalErrors(document: string): Promise<readonly GraphQLError[]> {
  return validate(await buildAppSchema(), parse(document));
}

describe("graphql-js's coercion messages, as format-error.ts reads them", () => {
  it.each([
    ['a scalar that refuses a variable value', () => variableErrors({ ...GOOD, amount: 10.5 }), 'amount'],
    ['a required field missing from a variable', () => variableErrors({ currency: 'USD', redirectUrl: 'x' }), 'amount'],
    ['an unknown field in a variable', () => variableErrors({ ...GOOD, surprise: 1 }), 'surprise'],
    ['a required variable not given', () => variableErrors(undefined), 'input'],
    [
      'an inline literal of the wrong type',
      () => literalErrors('mutation { createRemotePayment(input: { amount: "x", currency: "USD", redirectUrl: "y" }) { id } }'),
      'amount',
    ],
    [
      'an inline required field missing',
      () => literalErrors('mutation { createRemotePayment(input: { currency: "USD", redirectUrl: "y" }) { id } }'),
      'amount',
    ],
  ])('recognises %s and names its field', async (_case, produce, field) => {
    const [error] = await produce();
    expect(error).toBeDefined();
    expect(error.message).toMatch(COERCION_MESSAGE);
    expect(coercionField(error.message, error)).toBe(field);
  });
});
