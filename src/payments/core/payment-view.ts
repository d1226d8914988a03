/**
 * What the payments module hands out: a payment as clients may see it (no owner, no hash, no raw
 * upstream status), its history, and pages of them. The API layer maps these to GraphQL types.
 */
import { currencyExponent, toDecimalString } from './money';
import type { PaymentEventRecord } from '../store/payment-event-entity';
import { CASHII_COLUMNS, type CashiiColumn, type PaymentOrder, hasOpenReview } from '../store/payment-entity';
import type { CreateState, PaymentEventSource, PaymentStatus, ReviewReason, ReviewResolution } from '../store/payment-values';

export { CreateState, PaymentEventSource, ReviewReason, ReviewResolution } from '../store/payment-values';

/** A payment as clients may see it: Cashii's fields as stored (store/payment-entity.ts's CASHII_COLUMNS) and ours. */
export interface PaymentView extends Pick<PaymentOrder, CashiiColumn> {
  /** Cashii's 16-digit id. */
  id: string;
  amount: number;
  currency: string;
  currencyExponent: number;
  amountDecimal: string;
  note: string | null;
  metadata: Record<string, unknown> | null;
  status: PaymentStatus;
  payableTo: string | null;
  orderId: string | null;
  paymentUrl: string;
  transactionId: string | null;
  createdAt: Date;
  updatedAt: Date;
  verifiedAt: Date | null;
  needsReview: boolean;
  reviewReason: string | null;
  /** Our record id (not exposed to clients): the key of the history loader. */
  reference: string;
  /** The customer it belongs to (never shown; who may follow it to its order). */
  ownerId: string;
}

export interface PaymentEventView {
  from: PaymentStatus | null;
  to: PaymentStatus;
  source: PaymentEventSource;
  at: Date;
}

/** A history event as operators see it: with who acted and their note. */
export interface OperatorEventView extends PaymentEventView {
  actor: string | null;
  note: string | null;
}

/** A payment as the back office sees it: whoever owns it, whether or not it reached Cashii. */
export interface ReviewedPaymentView {
  reference: string;
  ownerId: string;
  orderId: string | null;
  amount: number;
  currency: string;
  createState: CreateState;
  /** The payment as its customer sees it; null when the create never got a Cashii id. */
  payment: PaymentView | null;
  /** Why it is in the review queue; null when it is not. */
  queueReason: ReviewReason | null;
  reviewReason: string | null;
  resolution: ReviewResolution | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  superseded: boolean;
  /** What Cashii last said, in its own spelling. */
  upstreamStatus: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PaymentPage {
  edges: Array<{ cursor: string; node: PaymentView }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The return URL parameter that carries our own reference (Cashii adds no payment id to the redirect). */
export const RETURN_REF_PARAM = 'cashii_ref';

/** `<page>?code=<id>&redirect=<URL-encoded return URL>`, the documented format. */
export function paymentPageUrl(pageUrl: string, cashiiId: string, returnUrl: string): string {
  const separator = pageUrl.includes('?') ? '&' : '?';
  return `${pageUrl}${separator}code=${encodeURIComponent(cashiiId)}&redirect=${encodeURIComponent(returnUrl)}`;
}

/** The merchant's redirect URL with our reference added; its own query is kept. */
export function returnUrlFor(redirectUrl: string, reference: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set(RETURN_REF_PARAM, reference);
  return url.toString();
}

export function toPaymentView(record: PaymentOrder, pageUrl: string): PaymentView {
  if (record.cashiiId === null) throw new Error(`payment order ${record.id} has no Cashii id`);
  const fromCashii = Object.fromEntries(CASHII_COLUMNS.map((column) => [column, record[column]])) as Pick<PaymentOrder, CashiiColumn>;
  return {
    ...fromCashii,
    id: record.cashiiId,
    amount: record.amount,
    currency: record.currency,
    currencyExponent: currencyExponent(record.currency),
    amountDecimal: toDecimalString(record.amount, record.currency),
    note: record.note,
    metadata: record.metadata === null ? null : (JSON.parse(record.metadata) as Record<string, unknown>),
    status: record.status,
    payableTo: record.payableTo,
    orderId: record.orderId,
    paymentUrl: paymentPageUrl(pageUrl, record.cashiiId, record.returnUrl),
    transactionId: record.transactionId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    verifiedAt: record.verifiedAt,
    needsReview: hasOpenReview(record),
    reviewReason: hasOpenReview(record) ? customerReviewReason(record) : null,
    reference: record.id,
    ownerId: record.ownerId,
  };
}

/** What the customer is told: the mismatch as found, otherwise a fixed sentence (no other payments' ids, no operators' hints). */
const CUSTOMER_REVIEW_SENTENCES: Partial<Record<ReviewReason, string>> = {
  DUPLICATE_PAYMENT: 'This order was already paid by another payment: the shop will refund this one.',
  SUPERSEDED_PAID: 'This payment was for an earlier version of the cart: the shop will refund it.',
  RECOVERED_ID: 'The shop is checking this payment with Cashii.',
  STATUS_CONFLICT: 'The shop is checking this payment with Cashii.',
};

function customerReviewReason(record: PaymentOrder): string | null {
  return (record.reviewCode && CUSTOMER_REVIEW_SENTENCES[record.reviewCode]) ?? record.reviewReason;
}

export function toPaymentEventView(record: PaymentEventRecord): PaymentEventView {
  return { from: record.fromStatus, to: record.toStatus, source: record.source, at: record.at };
}

export function toOperatorEventView(record: PaymentEventRecord): OperatorEventView {
  return { ...toPaymentEventView(record), actor: record.actor, note: record.note };
}

export function toReviewedPaymentView(record: PaymentOrder, queueReason: ReviewReason | null, pageUrl: string): ReviewedPaymentView {
  return {
    reference: record.id,
    ownerId: record.ownerId,
    orderId: record.orderId,
    amount: record.amount,
    currency: record.currency,
    createState: record.createState,
    payment: record.cashiiId === null ? null : toPaymentView(record, pageUrl),
    queueReason,
    reviewReason: record.reviewReason,
    resolution: record.reviewResolution,
    resolvedBy: record.reviewResolvedBy,
    resolvedAt: record.reviewResolvedAt,
    superseded: record.supersededAt !== null,
    upstreamStatus: record.upstreamStatus,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A position in the newest-first order: creation time, then record id to break ties. */
export interface ListPosition {
  createdAtMs: number;
  id: string;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.createdAtMs}.${position.id}`, 'utf8').toString('base64url');
}

/**
 * A Relay-style page from `rows` (asked for one more than `first`, to know if more follow).
 * Pages go forward only: anything asked for after a cursor has that cursor's row before it.
 */
export function toPage<Row extends { createdAt: Date; id: string }, Node>(
  rows: readonly Row[],
  first: number,
  after: ListPosition | null,
  node: (row: Row) => Node,
): { edges: Array<{ cursor: string; node: Node }>; pageInfo: PaymentPage['pageInfo'] } {
  const edges = rows
    .slice(0, first)
    .map((row) => ({ cursor: encodeCursor({ createdAtMs: row.createdAt.getTime(), id: row.id }), node: node(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The position a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): ListPosition | null {
  const match = /^(\d{1,16})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !Number.isSafeInteger(Number(match[1]))) return null;
  return { createdAtMs: Number(match[1]), id: match[2] };
}
