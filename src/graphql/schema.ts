/** Builds the executable schema from the resolver classes. */
import type { GraphQLSchema } from 'graphql';
import { type ValidatorFn, buildSchema } from 'type-graphql';
import { PaymentResolver } from '../payments/payment.resolver';

export const RESOLVERS = [PaymentResolver] as const;

/** `validateFn` is our validator (class-validator rules plus the payment policy); without it nothing is validated. */
export async function buildAppSchema(validateFn?: ValidatorFn): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...RESOLVERS], validate: true, validateFn });
  // type-graphql has no decorator for the root types' own descriptions.
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = 'Reads. Every payment is scoped to the viewer who created it.';
  if (mutation) mutation.description = 'Writes. Input is validated before anything is stored or sent to Cashii.';
  return schema;
}
