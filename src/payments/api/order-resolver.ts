/** GraphQL entry points of orders: map arguments, call one service method. */
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Order } from './order-types';
import { RemotePayment } from './payment-types';

@Resolver(() => RemotePayment)
export class OrderResolver {
  @Query(() => Order, {
    name: 'order',
    nullable: true,
    description: "The viewer's order by the merchant's reference (createRemotePayment's orderId). Null when unknown or not the viewer's.",
  })
  orderByReference(
    @Arg('orderId', { description: "The merchant's own order reference." }) orderId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Order | null> {
    return ctx.payments.orderForViewer(orderId, ctx.viewer.id);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The order this payment is for; null without an orderId.' })
  order(@Root() payment: RemotePayment, @Ctx() ctx: GraphQLContext): Promise<Order | null> {
    return ctx.payments.orderOfPayment(payment, ctx.viewer, ctx.loaders);
  }
}
