/** Builds the executable schema from the resolver classes. */
import type { GraphQLSchema } from 'graphql';
import { type PubSub, buildSchema } from 'type-graphql';
import { BackOfficeResolver } from '../payments/api/back-office-resolver';
import { OrderResolver } from '../payments/api/order-resolver';
import { PaymentResolver } from '../payments/api/payment-resolver';
import { DateTimeISO } from './scalars';

export const RESOLVERS = [PaymentResolver, OrderResolver, BackOfficeResolver] as const;

/**
 * type-graphql insists on a PubSub once a subscription exists, but ours use their own `subscribe`
 * functions (PaymentService.watch over the status bus), so topics are never used.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish: () => {
    throw new Error('topic subscriptions are not used');
  },
  subscribe: () => {
    throw new Error('topic subscriptions are not used');
  },
};

/**
 * Arguments are not validated here: every command's rules run in the payments service (the one
 * door), whoever calls it, so the schema only maps arguments to commands.
 */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    validate: false,
    pubSub: NO_TOPIC_PUBSUB,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  });
  // type-graphql has no decorator for the root types' own descriptions.
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = 'Reads. Every payment is scoped to the viewer who created it.';
  if (mutation) mutation.description = 'Writes. Input is validated before anything is stored or sent to Cashii.';
  const subscription = schema.getSubscriptionType();
  if (subscription) subscription.description = 'Live updates over graphql-ws on the same /graphql path.';
  return schema;
}
