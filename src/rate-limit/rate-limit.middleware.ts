/** Resolver middlewares: count a call against its rate limits before it runs. */
import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';

export const LimitCreates: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  await context.createLimits.consume(context.viewer.id, context.clientAddress);
  return (await next()) as unknown;
};

export const LimitConfirms: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  await context.confirmLimits.consume(context.viewer.id);
  return (await next()) as unknown;
};
