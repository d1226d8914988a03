/**
 * The hot read: payment records by Cashii id with one plain SELECT, bypassing TypeORM's query
 * builder and entity hydration (about a quarter of a terminal read's CPU in the profile). The
 * columns and conversions mirror payment.entity.ts; a test compares both ways of reading.
 */
import { toSafeInteger } from '../../db/transformers';
import { CreateState, PaymentOrder } from './payment.entity';
import type { PaymentStatus } from '../core/payment-status';

const COLUMNS = [
  'id',
  'cashiiId',
  'createState',
  'ownerId',
  'amount',
  'currency',
  'note',
  'metadata',
  'status',
  'upstreamStatus',
  'from_account',
  'to_account',
  'payableTo',
  'orderId',
  'returnUrl',
  'transactionId',
  'returnSignature',
  'returnClaimedStatus',
  'idempotencyKey',
  'requestHash',
  'reviewReason',
  'nextCheckAt',
  'checkAttempts',
  'staleAt',
  'createdAt',
  'updatedAt',
  'verifiedAt',
] as const;

/** `SELECT ... WHERE "cashiiId" IN (...)` with the driver's placeholders. */
export function selectByCashiiIds(count: number, kind: 'sqlite' | 'postgres'): string {
  const params = Array.from({ length: count }, (_, i) => (kind === 'postgres' ? `$${i + 1}` : '?')).join(', ');
  return `SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "payment_orders" WHERE "cashiiId" IN (${params})`;
}

export type PaymentRow = Record<(typeof COLUMNS)[number], unknown>;

const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(toSafeInteger(value)));
/** Text columns come back as strings on both drivers; anything else is absent. */
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function hydrate(row: PaymentRow): PaymentOrder {
  return Object.assign(new PaymentOrder(), {
    id: row.id as string,
    cashiiId: text(row.cashiiId),
    createState: row.createState as CreateState,
    ownerId: row.ownerId as string,
    amount: toSafeInteger(row.amount),
    currency: row.currency as string,
    note: text(row.note),
    metadata: text(row.metadata),
    status: row.status as PaymentStatus,
    upstreamStatus: text(row.upstreamStatus),
    from: text(row.from_account),
    to: text(row.to_account),
    payableTo: text(row.payableTo),
    orderId: text(row.orderId),
    returnUrl: row.returnUrl as string,
    transactionId: text(row.transactionId),
    returnSignature: text(row.returnSignature),
    returnClaimedStatus: text(row.returnClaimedStatus),
    idempotencyKey: text(row.idempotencyKey),
    requestHash: text(row.requestHash),
    reviewReason: text(row.reviewReason),
    nextCheckAt: date(row.nextCheckAt),
    checkAttempts: Number(row.checkAttempts),
    staleAt: date(row.staleAt),
    createdAt: date(row.createdAt)!,
    updatedAt: date(row.updatedAt)!,
    verifiedAt: date(row.verifiedAt),
  } satisfies PaymentOrder);
}
