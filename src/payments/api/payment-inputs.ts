/**
 * GraphQL inputs of the payment operations: their shape and descriptions only. The rules live
 * with the commands (core/payment-commands.ts) and run in the service, whoever calls it.
 */
import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { METADATA_MAX_BYTES, METADATA_MAX_DEPTH, NOTE_MAX_LENGTH, ORDER_ID_MAX_LENGTH } from '../core/payment-commands';

@InputType({ description: 'An order to turn into a Cashii Remote Payment.' })
export class CreateRemotePaymentInput {
  @Field(() => GraphQLSafeInt, { description: 'Amount in the smallest currency unit (10098 USD = 100.98 USD); a whole number from 1.' })
  amount: number;

  @Field({ description: 'ISO 4217 currency code in upper case, on the allowed list (e.g. SYP, USD, EUR, TRY).' })
  currency: string;

  @Field(() => String, {
    nullable: true,
    description: `Short memo shown to the payer and the merchant (at most ${NOTE_MAX_LENGTH} characters).`,
  })
  note?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: `Free JSON object passed to Cashii (at most ${METADATA_MAX_BYTES / 1024} KB serialised, depth ${METADATA_MAX_DEPTH}).`,
  })
  metadata?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Only this 16-digit Cashii account may pay.' })
  payableTo?: string | null;

  @Field(() => String, { nullable: true, description: `The merchant's own order reference (at most ${ORDER_ID_MAX_LENGTH} characters).` })
  orderId?: string | null;

  @Field({ description: 'Where Cashii sends the user back after paying; an absolute http(s) URL on an allowed origin.' })
  redirectUrl: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Same key + same input => the same payment, never a second one (1-255 printable ASCII characters, kept at least 24 hours). Reusing a key with another input is IDEMPOTENCY_KEY_REUSED.',
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "What the frontend's return page found in its URL after Cashii sent the user back." })
export class ConfirmPaymentReturnInput {
  @Field(() => ID, { description: 'Our reference to the payment: the `cashii_ref` query parameter of the return URL.' })
  reference: string;

  @Field({ description: "Cashii's `transaction_id` query parameter." })
  transactionId: string;

  @Field({ description: "Cashii's `status` query parameter: a hint only, never trusted." })
  status: string;

  @Field({ description: "Cashii's `signature` query parameter, kept for audit." })
  signature: string;
}

@ArgsType()
export class PaymentArgs {
  @Field(() => ID, { description: "Cashii's 16-digit payment id." })
  id: string;
}
