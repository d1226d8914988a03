/**
 * GraphQL entry points of payments: map arguments to a command, call one method of the service
 * (the one door, which validates), return its view as the GraphQL type. Nothing else.
 */
import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, UseMiddleware } from 'type-graphql';
import { displayAmount } from '../core/money';
import type { GraphQLContext } from '../../graphql/context';
import { LimitConfirms, LimitCreates } from '../../rate-limit/rate-limit.middleware';
import { PaymentConnection, PaymentsArgs } from './payment-connection';
import { ConfirmPaymentReturnInput, CreateRemotePaymentInput, PaymentArgs } from './payment-inputs';
import { PaymentEvent, RemotePayment } from './payment-types';

@Resolver(() => RemotePayment)
export class PaymentResolver {
  @Extensions({ lookupCost: 1 }) // each may cost a Cashii call: GRAPHQL_MAX_PAYMENT_LOOKUPS caps their sum (graphql/limits.ts)
  @Query(() => RemotePayment, {
    nullable: true,
    description: "One of the viewer's payments by Cashii id, with a status confirmed with Cashii. Null when unknown or not the viewer's.",
  })
  payment(@Args() { id }: PaymentArgs, @Ctx() ctx: GraphQLContext): Promise<RemotePayment | null> {
    return ctx.payments.findForViewer(id, ctx.viewer.id, ctx.loaders);
  }

  @Query(() => PaymentConnection, { description: "The viewer's own payments, newest first, with cursor pagination." })
  payments(@Args() args: PaymentsArgs, @Ctx() ctx: GraphQLContext): Promise<PaymentConnection> {
    return ctx.payments.listForViewer(ctx.viewer.id, { first: args.first, after: args.after, status: args.status });
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
  @UseMiddleware(LimitConfirms)
  confirmPaymentReturn(@Arg('input') input: ConfirmPaymentReturnInput, @Ctx() ctx: GraphQLContext): Promise<RemotePayment> {
    return ctx.payments.confirmReturn(input, ctx.viewer.id);
  }

  @Subscription(() => RemotePayment, {
    description:
      "The payment as it is now, then again each time its status changes (a read, a return, the reconciler, on any replica). Same ownership rule as payment(id): someone else's id yields nothing.",
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      return ctx.payments.watch(String((args as { id: unknown }).id), ctx.viewer.id);
    },
  })
  paymentStatusChanged(
    @Root() payment: RemotePayment,
    @Arg('id', () => ID, { description: "Cashii's 16-digit payment id." }) _id: string,
  ): RemotePayment {
    return payment;
  }

  @FieldResolver(() => String, {
    description: 'The amount for display, with the currency and exactly its ISO 4217 digits, e.g. "SYP 30,000,000.00".',
  })
  formattedAmount(
    @Root() payment: RemotePayment,
    @Arg('locale', { defaultValue: 'en-US', description: 'BCP 47 language tag, e.g. en-US, ar-SY, tr-TR.' }) locale: string,
  ): string {
    return displayAmount(payment.amount, payment.currency, locale);
  }

  @FieldResolver(() => [PaymentEvent], { description: 'Every status change of this payment, oldest first.' })
  events(@Root() payment: RemotePayment, @Ctx() ctx: GraphQLContext): Promise<PaymentEvent[]> {
    return ctx.payments.history(payment.reference, ctx.loaders);
  }
}
