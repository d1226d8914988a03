/** What clients see of a payment: the GraphQL types of the module's views (core/payment-view.ts). */
import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PaymentStatus } from '../core/payment-status';
import { PaymentEventSource, type PaymentEventView, type PaymentView } from '../core/payment-view';

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description: "Where a payment stands in Cashii's lifecycle: PENDING -> PAID | CANCELED | REJECTED; PAID -> REFUNDED.",
  valuesConfig: {
    PENDING: { description: 'Created; the user has not paid yet.' },
    PAID: { description: 'Paid, as confirmed with Cashii by the server.' },
    CANCELED: { description: 'Canceled by the user. Final.' },
    REJECTED: { description: 'The payment attempt was rejected (funds, security checks). Final.' },
    REFUNDED: { description: 'Paid, then refunded. Final.' },
  } satisfies Record<PaymentStatus, { description: string }>,
});

@ObjectType({ description: 'A Cashii Remote Payment created through this API, with its server-confirmed status.' })
export class RemotePayment implements PaymentView {
  @Field(() => ID, { description: "Cashii's payment id: always a string of 16 ASCII digits." })
  id: string;

  @Field(() => GraphQLSafeInt, { description: 'Amount in the smallest currency unit.' })
  amount: number;

  @Field({ description: 'ISO 4217 currency code, upper case.' })
  currency: string;

  @Field(() => Int, { description: "The currency's ISO 4217 exponent: digits after the decimal point (0 JPY, 2 USD/SYP, 3 KWD)." })
  currencyExponent: number;

  @Field({ description: 'The amount in major units as an exact decimal string, e.g. "30000000.00" for 3000000000 SYP minor units.' })
  amountDecimal: string;

  @Field(() => String, { nullable: true, description: 'Memo shown to the payer and the merchant.' })
  note: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The JSON object given at creation.' })
  metadata: Record<string, unknown> | null;

  @Field(() => PaymentStatus, { description: 'Status as last confirmed with Cashii (see verifiedAt).' })
  status: PaymentStatus;

  @Field(() => String, { nullable: true, description: "The payer's Cashii account; null until paid." })
  from: string | null;

  @Field(() => String, { nullable: true, description: "The merchant's Cashii account that receives the money." })
  to: string | null;

  @Field(() => String, { nullable: true, description: 'Only this Cashii account may pay, when set.' })
  payableTo: string | null;

  @Field(() => String, { nullable: true, description: "The merchant's own order reference." })
  orderId: string | null;

  @Field({ description: "Cashii's hosted payment page for this payment; send the user's browser here." })
  paymentUrl: string;

  @Field(() => String, { nullable: true, description: "Cashii's transaction id from a verified return; null until then." })
  transactionId: string | null;

  @Field({ description: 'When the payment was created.' })
  createdAt: Date;

  @Field({ description: 'When this record last changed.' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'Last time the status was confirmed with Cashii.' })
  verifiedAt: Date | null;

  @Field({
    description:
      'True when Cashii reported another amount or currency than the order: the payment is not treated as paid until a person reviews it.',
  })
  needsReview: boolean;

  @Field(() => String, { nullable: true, description: 'Why the payment needs review; null when it does not.' })
  reviewReason: string | null;

  /** Our record id (not exposed): the key of the events loader. */
  reference: string;

  /** Its customer (not exposed): who may follow it to its order. */
  ownerId: string;
}

registerEnumType(PaymentEventSource, {
  name: 'PaymentEventSource',
  description: 'What caused an event of a payment history. Customers see the status changes; operators see every event.',
  valuesConfig: {
    CREATE: { description: 'The payment was created.' },
    READ: { description: 'A read confirmed a new status with Cashii.' },
    RETURN: { description: 'A confirmed return from the payment page.' },
    RECONCILE: { description: 'The background reconciler confirmed a new status with Cashii.' },
    REVIEW: { description: 'The payment was put in the review queue (operators only; the note says why).' },
    OPERATOR_RECHECK: { description: 'An operator had the payment re-read from Cashii (operators only).' },
    OPERATOR_RESOLVE: { description: 'An operator closed the review (operators only).' },
  },
});

@ObjectType({ description: 'One change of a payment status, in the order it happened.' })
export class PaymentEvent implements PaymentEventView {
  @Field(() => PaymentStatus, { nullable: true, description: 'The status before; null for the creation.' })
  from: PaymentStatus | null;

  @Field(() => PaymentStatus, { description: 'The status after.' })
  to: PaymentStatus;

  @Field(() => PaymentEventSource, { description: 'What caused the change.' })
  source: PaymentEventSource;

  @Field({ description: 'When the change was recorded.' })
  at: Date;
}
