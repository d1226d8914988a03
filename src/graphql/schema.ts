/** Builds the executable schema from the resolver classes. */
import type { GraphQLSchema } from 'graphql';
import { type ValidatorFn, buildSchema } from 'type-graphql';
import { PaymentResolver } from '../payments/payment.resolver';

export const RESOLVERS = [PaymentResolver] as const;

/** `validateFn` is our validator (class-validator rules plus the payment policy); without it nothing is validated. */
export function buildAppSchema(validateFn?: ValidatorFn): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], validate: true, validateFn });
}
