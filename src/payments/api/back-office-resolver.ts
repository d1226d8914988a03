/**
 * The back office over GraphQL: operators only (the service refuses anyone else with FORBIDDEN).
 * Map arguments, call one service method, return its view.
 */
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { ReviewResolution } from '../core/payment-view';
import { OperatorEvent, ReviewQueueArgs, ReviewQueueConnection, ReviewedPayment } from './back-office-types';
import { Order } from './order-types';

@Resolver(() => ReviewedPayment)
export class BackOfficeResolver {
  @Query(() => ReviewQueueConnection, {
    description:
      'BACK OFFICE (operators only): payments waiting for a person, oldest first: flagged for review, second payments to refund, creates left UNKNOWN, stale payments, recovered Cashii ids.',
  })
  reviewQueue(@Args() args: ReviewQueueArgs, @Ctx() ctx: GraphQLContext): Promise<ReviewQueueConnection> {
    return ctx.backOffice.reviewQueue(ctx.viewer, { reason: args.reason, first: args.first, after: args.after });
  }

  @Query(() => ReviewedPayment, {
    nullable: true,
    description: "BACK OFFICE (operators only): any customer's payment, by Cashii id or by reference. Null when unknown.",
  })
  backOfficePayment(
    @Arg('id', () => ID, { description: "Cashii's 16-digit id or the payment's reference." }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReviewedPayment | null> {
    return ctx.backOffice.paymentForOperator(ctx.viewer, id);
  }

  @Query(() => Order, { nullable: true, description: "BACK OFFICE (operators only): any customer's order. Null when unknown." })
  backOfficeOrder(
    @Arg('ownerId', { description: 'The customer who owns the order.' }) ownerId: string,
    @Arg('orderId', { description: "The merchant's order reference." }) orderId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Order | null> {
    return ctx.backOffice.orderForOperator(ctx.viewer, ownerId, orderId);
  }

  @Mutation(() => ReviewedPayment, {
    description: 'BACK OFFICE (operators only): re-read the payment from Cashii now; the history notes who asked.',
  })
  recheckPayment(
    @Arg('id', () => ID, { description: "Cashii's 16-digit id or the payment's reference." }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReviewedPayment> {
    return ctx.backOffice.recheckPayment(ctx.viewer, id);
  }

  @Mutation(() => ReviewedPayment, {
    description:
      "BACK OFFICE (operators only): close the payment's review with a resolution and a note; it leaves the queue. The note and the operator are kept in the payment's history.",
  })
  resolvePaymentReview(
    @Arg('id', () => ID, { description: "Cashii's 16-digit id or the payment's reference." }) id: string,
    @Arg('resolution', () => ReviewResolution, { description: 'How the review was closed.' }) resolution: ReviewResolution,
    @Arg('note', { description: 'What was done, in words (1-1000 characters).' }) note: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReviewedPayment> {
    return ctx.backOffice.resolvePaymentReview(ctx.viewer, id, { resolution, note });
  }

  @FieldResolver(() => [OperatorEvent], {
    description: "Every event of the payment's history, operators' actions and notes included, oldest first.",
  })
  history(@Root() payment: ReviewedPayment, @Ctx() ctx: GraphQLContext): Promise<OperatorEvent[]> {
    return ctx.backOffice.historyForOperator(ctx.viewer, payment.reference, ctx.loaders);
  }
}
