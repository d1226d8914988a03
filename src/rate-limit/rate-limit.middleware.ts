/** Resolver middleware: counts a createRemotePayment against the viewer's and the address's limits first. */
import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';

export const LimitCreates: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  await context.createLimits.consume(context.viewer.id, context.clientAddress);
  return (await next()) as unknown;
};
