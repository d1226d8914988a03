/** The back office's GraphQL types: the review queue and payments as operators see them. */
import { GraphQLSafeInt } from 'graphql-scalars';
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../core/payment-commands';
import { CreateState, type OperatorEventView, ReviewReason, ReviewResolution, type ReviewedPaymentView } from '../core/payment-view';
import { PageInfo } from './payment-connection';
import { PaymentEvent, RemotePayment } from './payment-types';

registerEnumType(ReviewReason, {
  name: 'ReviewReason',
  description: "Why a payment waits in the back office's review queue.",
  valuesConfig: {
    AMOUNT_MISMATCH: { description: 'Cashii reports another amount or currency than the order.' },
    DUPLICATE_PAYMENT: { description: 'Its order was already paid by another payment: refund this one.' },
    SUPERSEDED_PAID: { description: 'Paid after a newer payment replaced it (the cart changed): refund it.' },
    STATUS_CONFLICT: {
      description:
        'Cashii now reports a status the stored one cannot move to (e.g. paid after rejected, or rejected after paid): check it at Cashii.',
    },
    RECOVERED_ID: { description: 'A Cashii id recovered from the create journal that does not match the record: check it at Cashii.' },
    STALE: { description: "Still pending past the reconciler's horizon: no longer polled." },
    UNKNOWN_CREATE: { description: 'A create whose outcome stayed unknown past the Cashii deadline: Cashii may hold an orphaned payment.' },
  },
});

registerEnumType(ReviewResolution, {
  name: 'ReviewResolution',
  description: 'How an operator closed a review.',
  valuesConfig: {
    ACCEPTED_AS_PAID: { description: 'The payment counts as paid as it is (it may then pay its order).' },
    REFUNDED_OUTSIDE: { description: 'The money was given back outside this API (Cashii has no refund API).' },
    WRITTEN_OFF: { description: 'Nothing more will be done (an orphaned or abandoned payment).' },
  },
});

registerEnumType(CreateState, {
  name: 'CreateState',
  description: 'Where the create call to Cashii stands.',
  valuesConfig: {
    SENDING: { description: 'Being sent to Cashii now.' },
    CREATED: { description: 'Cashii created it; its id is known.' },
    FAILED: { description: 'Cashii certainly created nothing.' },
    UNKNOWN: { description: 'Cashii may have created it; its id was never learnt.' },
  },
});

@ObjectType({ description: "An event of a payment's history as operators see it: who acted and their note." })
export class OperatorEvent extends PaymentEvent implements OperatorEventView {
  @Field(() => String, { nullable: true, description: "The operator's subject; null for what the system did." })
  actor: string | null;

  @Field(() => String, { nullable: true, description: "The operator's note, or why the payment was put in review." })
  note: string | null;
}

@ObjectType({ description: 'A payment as the back office sees it, whoever owns it and whether or not it reached Cashii.' })
export class ReviewedPayment implements ReviewedPaymentView {
  @Field(() => ID, { description: 'Our reference to the payment (also accepted where an id is asked for).' })
  reference: string;

  @Field({ description: 'The customer who created it.' })
  ownerId: string;

  @Field(() => String, { nullable: true, description: "The merchant's order reference." })
  orderId: string | null;

  @Field(() => GraphQLSafeInt, { description: 'Amount in the smallest currency unit.' })
  amount: number;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @Field(() => CreateState, { description: 'Where the create call to Cashii stands.' })
  createState: CreateState;

  @Field(() => RemotePayment, {
    nullable: true,
    description: 'The payment as its customer sees it; null when the create got no Cashii id.',
  })
  payment: RemotePayment | null;

  @Field(() => ReviewReason, { nullable: true, description: 'Why it is in the review queue; null when it is not.' })
  queueReason: ReviewReason | null;

  @Field(() => String, { nullable: true, description: 'What was found, in words.' })
  reviewReason: string | null;

  @Field(() => ReviewResolution, { nullable: true, description: 'How an operator closed the review.' })
  resolution: ReviewResolution | null;

  @Field(() => String, { nullable: true, description: 'The operator who closed it.' })
  resolvedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was closed.' })
  resolvedAt: Date | null;

  @Field({ description: 'A newer payment of the same order replaced this one (the cart changed).' })
  superseded: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The status Cashii last reported, in Cashii's own spelling (kept even when the stored status could not follow it).",
  })
  upstreamStatus: string | null;

  @Field({ description: 'When the create was asked for.' })
  createdAt: Date;

  @Field({ description: 'When the record last changed.' })
  updatedAt: Date;
}

@ObjectType({ description: 'A payment in the review queue, with its cursor.' })
export class ReviewQueueEdge {
  @Field({ description: 'Opaque position in the queue.' })
  cursor: string;

  @Field(() => ReviewedPayment, { description: 'The payment waiting for a person.' })
  node: ReviewedPayment;
}

@ObjectType({ description: 'A page of the review queue, oldest first.' })
export class ReviewQueueConnection {
  @Field(() => [ReviewQueueEdge], { description: 'The payments of this page.' })
  edges: ReviewQueueEdge[];

  @Field(() => PageInfo, { description: 'Whether and where to continue.' })
  pageInfo: PageInfo;
}

@ArgsType()
export class ReviewQueueArgs {
  @Field(() => ReviewReason, { nullable: true, description: 'Only payments waiting for this reason.' })
  reason?: ReviewReason | null;

  @Field(() => Int, { defaultValue: 20, description: `How many to return (1-${MAX_PAGE_SIZE}).` })
  first: number;

  @Field(() => String, { nullable: true, description: 'Continue after this cursor (pageInfo.endCursor).' })
  after?: string | null;
}
