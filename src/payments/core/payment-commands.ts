/**
 * The commands that enter the payments module, with their rules. Whoever calls the service (the
 * GraphQL API, a job, a test, a future REST or queue entry) gets the same normalisation, the same
 * static rules (class-validator) and the same policy, so idempotency hashes the same input the
 * same way. The first broken rule is BAD_USER_INPUT naming the field; the value is never echoed.
 */
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  type ValidationError,
  validate,
} from 'class-validator';
import { CURRENCY_PATTERN } from '../../common/currency';
import { badInput } from '../../common/errors';
import { type JsonProblem, hasControlOrBrokenText, jsonProblem } from '../../common/text';
import { ReviewReason, ReviewResolution } from '../store/payment-values';
import { ORDER_ID_MAX_LENGTH, orderRefProblem } from './order-ref';
import { PaymentStatus } from './payment-status';
import { decodeCursor } from './payment-view';

export { ORDER_ID_MAX_LENGTH };

export const PAYMENT_ID_PATTERN = /^[0-9]{16}$/;
/** 1-255 printable ASCII characters, not starting or ending with a space. */
const PRINTABLE_TOKEN = /^(?=[\x21-\x7e])[\x20-\x7e]{0,254}[\x21-\x7e]$|^[\x21-\x7e]$/;
const REFERENCE_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NOTE_MAX_LENGTH = 500;
export const METADATA_MAX_BYTES = 8 * 1024;
export const METADATA_MAX_DEPTH = 5;
export const MAX_PAGE_SIZE = 100;
/**
 * Every key or array item costs at least 2 bytes serialised (`0,`), so more than this many cannot
 * fit in METADATA_MAX_BYTES anyway: the cap adds no rule, it only stops the walk early.
 */
const METADATA_MAX_ENTRIES = METADATA_MAX_BYTES / 2;
const METADATA_LIMITS = { maxDepth: METADATA_MAX_DEPTH, maxEntries: METADATA_MAX_ENTRIES };

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

/** What is wrong with a metadata value, or null. The shape is walked (without recursion) before JSON.stringify may run. */
function metadataProblem(value: unknown): JsonProblem | 'too-large' | 'not-an-object' | null {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return 'not-an-object';
  const problem = jsonProblem(value, METADATA_LIMITS);
  if (problem) return problem;
  return Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES ? 'too-large' : null;
}

/** One order, one spelling: the rules of core/order-ref.ts, with the message that says which one is broken. */
function OrderReference(): PropertyDecorator {
  return ValidateBy({
    name: 'orderReference',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || orderRefProblem(value) === null,
      defaultMessage: (args) => orderRefProblem(String(args?.value)) ?? 'orderId is invalid',
    },
  });
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

/** An order to turn into a Cashii Remote Payment. */
export class CreatePaymentCommand {
  @IsInt({ message: 'amount must be a whole number of minor units' })
  @Min(1, { message: 'amount must be at least 1' })
  amount: number;

  @IsString({ message: 'currency must be three upper-case letters (ISO 4217)' })
  @Matches(CURRENCY_PATTERN, { message: 'currency must be three upper-case letters (ISO 4217)' })
  currency: string;

  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  @CleanText()
  note?: string | null;

  @IsOptional()
  @BoundedJsonObject()
  metadata?: Record<string, unknown> | null;

  @IsOptional()
  @Matches(PAYMENT_ID_PATTERN, { message: 'payableTo must be a 16-digit Cashii account number' })
  payableTo?: string | null;

  @IsOptional()
  @IsString({ message: 'orderId must be a string' })
  @OrderReference()
  orderId?: string | null;

  @IsString({ message: 'redirectUrl must be a string' })
  @MaxLength(2048, { message: 'redirectUrl must be at most 2048 characters' })
  redirectUrl: string;

  @IsOptional()
  @Matches(PRINTABLE_TOKEN, { message: 'idempotencyKey must be 1-255 printable ASCII characters' })
  idempotencyKey?: string | null;
}

/** What the frontend's return page found in its URL after Cashii sent the user back. */
export class ConfirmReturnCommand {
  @Matches(REFERENCE_PATTERN, { message: 'reference must be the cashii_ref value of the return URL' })
  reference: string;

  @Matches(PRINTABLE_TOKEN, { message: 'transactionId must be 1-255 printable ASCII characters' })
  transactionId: string;

  @Matches(/^[a-z_]{1,32}$/, { message: 'status must be a lower-case Cashii status' })
  status: string;

  @Matches(/^[\x21-\x7e]{1,1024}$/, { message: 'signature must be at most 1024 printable ASCII characters' })
  signature: string;
}

/** An operator's resolution of a review: the note is kept in the payment's history. */
export class ResolveReviewCommand {
  @IsIn(Object.values(ReviewResolution), { message: 'resolution must be a review resolution' })
  resolution: ReviewResolution;

  @IsString({ message: 'note must be a string' })
  @MinLength(1, { message: 'note must say what was done (1-1000 characters)' })
  @MaxLength(1000, { message: 'note must say what was done (1-1000 characters)' })
  @CleanText()
  note: string;
}

/** One page of a newest-first (or oldest-first) list: how many, and after which cursor. */
export class PageCommand {
  @IsInt({ message: 'first must be a whole number' })
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
  first: number = 20;

  @IsOptional()
  @IsString({ message: 'after must be a cursor from pageInfo.endCursor' })
  @MaxLength(200, { message: 'after must be a cursor from pageInfo.endCursor' })
  after?: string | null;
}

/** A page of the review queue. */
export class ReviewQueueCommand extends PageCommand {
  @IsOptional()
  @IsIn(Object.values(ReviewReason), { message: 'reason must be a review reason' })
  reason?: ReviewReason | null;
}

/** A merchant's order reference, as `orderId` is checked on a create (NFC; looked up by its key, any spelling of it). */
export function checkOrderRef(value: unknown, field = 'orderId'): string {
  const text = typeof value === 'string' ? value.normalize('NFC') : '';
  const problem = orderRefProblem(text, field);
  if (problem !== null) throw badInput(field, problem);
  return text;
}

/** A page of the viewer's payments. */
export class ListPaymentsCommand extends PageCommand {
  @IsOptional()
  @IsIn(Object.values(PaymentStatus), { message: 'status must be a payment status' })
  status?: PaymentStatus | null;
}

/** Input with the shape of a command (its fields; anything else is ignored). */
export type CommandInput<T> = { [K in keyof T]: T[K] };

/**
 * The command with its texts in NFC: what is stored, hashed for idempotency and sent to Cashii is
 * one spelling, and the limits are checked on that (NFC can make text longer: U+FB2C becomes 3).
 */
export function normalisedCreate(input: CommandInput<CreatePaymentCommand>): CreatePaymentCommand {
  return Object.assign(new CreatePaymentCommand(), {
    amount: input.amount,
    currency: input.currency,
    note: typeof input.note === 'string' ? input.note.normalize('NFC') : input.note,
    metadata: input.metadata,
    payableTo: input.payableTo,
    orderId: typeof input.orderId === 'string' ? input.orderId.normalize('NFC') : input.orderId,
    redirectUrl: input.redirectUrl,
    idempotencyKey: input.idempotencyKey,
  });
}

/** The position `after` names, or BAD_USER_INPUT when it is not one of our cursors. */
export function afterPosition(after: string | null | undefined) {
  if (!after) return null;
  const position = decodeCursor(after);
  if (position === null) throw badInput('after', 'after must be a cursor from pageInfo.endCursor');
  return position;
}

/** Runs the command's static rules; throws BAD_USER_INPUT for the first broken one. */
export async function checkRules<T extends object>(command: T): Promise<T> {
  const errors = await validate(command, {
    forbidUnknownValues: false,
    skipMissingProperties: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw toInputError(errors[0]);
  return command;
}

/** A 16-digit Cashii payment id, or BAD_USER_INPUT on `field`. */
export function checkPaymentId(id: unknown, field = 'id'): string {
  if (typeof id !== 'string' || !PAYMENT_ID_PATTERN.test(id)) throw badInput(field, `${field} must be a 16-digit Cashii payment id`);
  return id;
}

function toInputError(error: ValidationError) {
  const message = Object.values(error.constraints ?? {})[0] ?? `${error.property} is invalid`;
  return badInput(error.property, message);
}
