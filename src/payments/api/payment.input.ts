/** GraphQL inputs of the payment operations, with their config-independent validation rules. */
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateBy } from 'class-validator';
import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { type JsonProblem, hasControlOrBrokenText, jsonProblem } from '../../common/text';

export const PAYMENT_ID_PATTERN = /^[0-9]{16}$/;
/** 1-255 printable ASCII characters, not starting or ending with a space. */
const PRINTABLE_TOKEN = /^(?=[\x21-\x7e])[\x20-\x7e]{0,254}[\x21-\x7e]$|^[\x21-\x7e]$/;
const REFERENCE_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NOTE_MAX_LENGTH = 500;
export const METADATA_MAX_BYTES = 8 * 1024;
export const METADATA_MAX_DEPTH = 5;
/**
 * Every key or array item costs at least 2 bytes serialised (`0,`), so more than this many cannot
 * fit in METADATA_MAX_BYTES anyway: the cap adds no rule, it only stops the walk early.
 */
const METADATA_MAX_ENTRIES = METADATA_MAX_BYTES / 2;

/** Rejects control characters (bidirectional overrides and isolates included) and broken UTF-16 (lone surrogates). */
function CleanText(): PropertyDecorator {
  return ValidateBy({
    name: 'cleanText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasControlOrBrokenText(value),
      defaultMessage: (args) =>
        `${args?.property} must not contain control characters (bidirectional overrides and isolates included) or broken Unicode`,
    },
  });
}

const METADATA_LIMITS = { maxDepth: METADATA_MAX_DEPTH, maxEntries: METADATA_MAX_ENTRIES };

/** What is wrong with a metadata value, or null. The shape is walked (without recursion) before JSON.stringify may run. */
function metadataProblem(value: unknown): JsonProblem | 'too-large' | null {
  if (value == null) return null;
  const problem = jsonProblem(value, METADATA_LIMITS);
  if (problem) return problem;
  return Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES ? 'too-large' : null;
}

/** Bounds the serialised size, nesting and numbers of a JSON object, and refuses prototype keys. */
function BoundedJsonObject(): PropertyDecorator {
  return ValidateBy({
    name: 'boundedJsonObject',
    validator: {
      validate: (value: unknown) => metadataProblem(value) === null,
      defaultMessage: (args) =>
        metadataProblem(args?.value) === 'unsafe-number'
          ? `metadata numbers must be finite and within ±${Number.MAX_SAFE_INTEGER} (send bigger ones as strings)`
          : `metadata must be a JSON object of at most ${METADATA_MAX_BYTES} bytes and depth ${METADATA_MAX_DEPTH}, without __proto__, constructor or prototype keys`,
    },
  });
}

@InputType({ description: 'An order to turn into a Cashii Remote Payment.' })
export class CreateRemotePaymentInput {
  @Field(() => GraphQLSafeInt, { description: 'Amount in the smallest currency unit (10098 USD = 100.98 USD); a whole number from 1.' })
  @IsInt({ message: 'amount must be a whole number of minor units' })
  @Min(1, { message: 'amount must be at least 1' })
  amount: number;

  @Field({ description: 'ISO 4217 currency code in upper case, on the allowed list (e.g. SYP, USD, EUR, TRY).' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three upper-case letters (ISO 4217)' })
  currency: string;

  @Field(() => String, {
    nullable: true,
    description: `Short memo shown to the payer and the merchant (at most ${NOTE_MAX_LENGTH} characters).`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  @CleanText()
  note?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Free JSON object passed to Cashii (at most 8 KB serialised, depth 5).' })
  @IsOptional()
  @BoundedJsonObject()
  metadata?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Only this 16-digit Cashii account may pay.' })
  @IsOptional()
  @Matches(PAYMENT_ID_PATTERN, { message: 'payableTo must be a 16-digit Cashii account number' })
  payableTo?: string | null;

  @Field(() => String, { nullable: true, description: "The merchant's own order reference (at most 128 characters)." })
  @IsOptional()
  @IsString()
  @MaxLength(128, { message: 'orderId must be at most 128 characters' })
  @CleanText()
  orderId?: string | null;

  @Field({ description: 'Where Cashii sends the user back after paying; an absolute http(s) URL on an allowed origin.' })
  @IsString()
  @MaxLength(2048, { message: 'redirectUrl must be at most 2048 characters' })
  redirectUrl: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Same key + same input => the same payment, never a second one (1-255 printable ASCII characters, kept at least 24 hours). Reusing a key with another input is IDEMPOTENCY_KEY_REUSED.',
  })
  @IsOptional()
  @Matches(PRINTABLE_TOKEN, { message: 'idempotencyKey must be 1-255 printable ASCII characters' })
  idempotencyKey?: string | null;
}

@InputType({ description: "What the frontend's return page found in its URL after Cashii sent the user back." })
export class ConfirmPaymentReturnInput {
  @Field(() => ID, { description: 'Our reference to the payment: the `cashii_ref` query parameter of the return URL.' })
  @Matches(REFERENCE_PATTERN, { message: 'reference must be the cashii_ref value of the return URL' })
  reference: string;

  @Field({ description: "Cashii's `transaction_id` query parameter." })
  @Matches(PRINTABLE_TOKEN, { message: 'transactionId must be 1-255 printable ASCII characters' })
  transactionId: string;

  @Field({ description: "Cashii's `status` query parameter: a hint only, never trusted." })
  @Matches(/^[a-z_]{1,32}$/, { message: 'status must be a lower-case Cashii status' })
  status: string;

  @Field({ description: "Cashii's `signature` query parameter, kept for audit." })
  @Matches(/^[\x21-\x7e]{1,1024}$/, { message: 'signature must be at most 1024 printable ASCII characters' })
  signature: string;
}

@ArgsType()
export class PaymentArgs {
  @Field(() => ID, { description: "Cashii's 16-digit payment id." })
  @Matches(PAYMENT_ID_PATTERN, { message: 'id must be a 16-digit Cashii payment id' })
  id: string;
}
