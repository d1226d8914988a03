/** GraphQL entry points of payments: read arguments and context, call one service method. */
import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { CreateRemotePaymentInput, PaymentArgs } from './payment.input';
import { RemotePayment } from './payment.type';

@Resolver(() => RemotePayment)
export class PaymentResolver {
  @Query(() => RemotePayment, {
    nullable: true,
    description: "One of the viewer's payments by Cashii id, with a status confirmed with Cashii. Null when unknown or not the viewer's.",
  })
  payment(@Args() { id }: PaymentArgs, @Ctx() ctx: GraphQLContext): Promise<RemotePayment | null> {
    return ctx.payments.findForViewer(id, ctx.viewer.id, ctx.loaders);
  }

  @Mutation(() => RemotePayment, {
    description: 'Validates the order, creates a Cashii Remote Payment and returns it with its hosted paymentUrl.',
  })
  createRemotePayment(@Arg('input') input: CreateRemotePaymentInput, @Ctx() ctx: GraphQLContext): Promise<RemotePayment> {
    return ctx.payments.create(input, ctx.viewer.id);
  }
}
