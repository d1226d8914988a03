/** GraphQL entry points of payments: read arguments and context, call one service method. */
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { LimitCreates } from '../rate-limit/limit-creates.middleware';
import { PaymentConnection, PaymentsArgs } from './payment-connection';
import { toPaymentEvent } from './payment.mapper';
import { ConfirmPaymentReturnInput, CreateRemotePaymentInput, PaymentArgs } from './payment.input';
import { PaymentEvent, RemotePayment } from './payment.type';

@Resolver(() => RemotePayment)
export class PaymentResolver {
  @Query(() => RemotePayment, {
    nullable: true,
    description: "One of the viewer's payments by Cashii id, with a status confirmed with Cashii. Null when unknown or not the viewer's.",
  })
  payment(@Args() { id }: PaymentArgs, @Ctx() ctx: GraphQLContext): Promise<RemotePayment | null> {
    return ctx.payments.findForViewer(id, ctx.viewer.id, ctx.loaders);
  }

  @Query(() => PaymentConnection, { description: "The viewer's own payments, newest first, with cursor pagination." })
  payments(@Args() args: PaymentsArgs, @Ctx() ctx: GraphQLContext): Promise<PaymentConnection> {
    return ctx.payments.listForViewer(ctx.viewer.id, args);
  }

  @Mutation(() => RemotePayment, {
    description:
      'Validates the order, creates a Cashii Remote Payment and returns it with its hosted paymentUrl. Rate limited per viewer and per client address (RATE_LIMITED).',
  })
  @UseMiddleware(LimitCreates)
  createRemotePayment(@Arg('input') input: CreateRemotePaymentInput, @Ctx() ctx: GraphQLContext): Promise<RemotePayment> {
    return ctx.payments.create(input, ctx.viewer.id);
  }

  @Mutation(() => RemotePayment, {
    description:
      "Call from the return page with what Cashii appended to its URL. The status is always re-read from Cashii; the redirect's claim is only logged and kept for audit. Safe to repeat.",
  })
  confirmPaymentReturn(@Arg('input') input: ConfirmPaymentReturnInput, @Ctx() ctx: GraphQLContext): Promise<RemotePayment> {
    return ctx.payments.confirmReturn(input, ctx.viewer.id);
  }

  @FieldResolver(() => [PaymentEvent], { description: 'Every status change of this payment, oldest first.' })
  async events(@Root() payment: RemotePayment, @Ctx() ctx: GraphQLContext): Promise<PaymentEvent[]> {
    return (await ctx.loaders.events.load(payment.recordId)).map(toPaymentEvent);
  }
}
