/**
 * The order record of one Remote Payment. Internal columns (owner, create state, raw upstream
 * status) stay here; `RemotePayment` is what clients see.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export { CreateState } from './payment-values';
import { CreateState, PaymentStatus, type ReviewReason, type ReviewResolution } from './payment-values';
import { epochMillis, safeBigint } from '../../db/transformers';
import { ACCOUNT_MAX_DIGITS, RAW_STATUS_MAX_LENGTH } from '../../cashii/wire';
import { DUE_INDEX_WHERE, QUEUE_INDEX_WHERE } from './review-lifecycle';

@Entity({ name: 'payment_orders' })
@Index('idx_payment_orders_owner_page', ['ownerId', 'createState', 'createdAt', 'id'])
@Index('idx_payment_orders_review_queue', ['createdAt', 'id'], { where: QUEUE_INDEX_WHERE })
@Index('uq_payment_orders_owner_idempotency', ['ownerId', 'idempotencyKey'], { unique: true })
@Index('idx_payment_orders_due_open', ['createState', 'nextCheckAt'], { where: DUE_INDEX_WHERE })
@Index('idx_payment_orders_owner_order', ['ownerId', 'orderId'])
@Index('idx_payment_orders_create_state', ['createState', 'updatedAt'])
/** Nullable columns start as null here, so a new record names only what it knows (declared once). */
export class PaymentOrder {
  /** Our own reference (UUID), carried in the return URL. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Cashii's 16-digit payment id; null until Cashii confirmed the create. */
  @Index('uq_payment_orders_cashii_id', { unique: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  cashiiId: string | null = null;

  @Column({ type: 'varchar', length: 16 })
  createState: CreateState;

  /** The viewer who created it; reads are scoped to it. */
  @Column({ type: 'varchar', length: 255 })
  ownerId: string;

  @Column({ type: 'bigint', transformer: safeBigint })
  amount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'text', nullable: true })
  note: string | null = null;

  /** JSON text of the metadata object. */
  @Column({ type: 'text', nullable: true })
  metadata: string | null = null;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  /** The last status string Cashii sent, even one we do not know (bounded as the wire parser keeps it). */
  @Column({ type: 'varchar', length: RAW_STATUS_MAX_LENGTH, nullable: true })
  upstreamStatus: string | null = null;

  @Column({ name: 'from_account', type: 'varchar', length: ACCOUNT_MAX_DIGITS, nullable: true })
  from: string | null = null;

  @Column({ name: 'to_account', type: 'varchar', length: ACCOUNT_MAX_DIGITS, nullable: true })
  to: string | null = null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  payableTo: string | null = null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  orderId: string | null = null;

  /** The merchant's redirect URL with our reference added; goes into `paymentUrl`. */
  @Column({ type: 'text' })
  returnUrl: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  transactionId: string | null = null;

  /** Raw `signature` of the last return redirect, kept for audit (its scheme is not published yet). */
  @Column({ type: 'text', nullable: true })
  returnSignature: string | null = null;

  /** The status the last return redirect claimed (a hint only). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  returnClaimedStatus: string | null = null;

  /** The client's idempotency key, unique per owner; kept with the record (so for at least 24 h). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null = null;

  /** SHA-256 of the canonical create input, to tell a replay from a reuse of the key. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestHash: string | null = null;

  /** Why the payment needs a person's review, in words (shown to the customer too); null when it never did. */
  @Column({ type: 'text', nullable: true })
  reviewReason: string | null = null;

  /** The review queue's reason for a flagged payment; open while `reviewResolvedAt` is null. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reviewCode: ReviewReason | null = null;

  /** How an operator closed the review, when, and who (the operator's subject). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reviewResolution: ReviewResolution | null = null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  reviewResolvedAt: Date | null = null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reviewResolvedBy: string | null = null;

  /** Set when a newer payment of the same order (another amount or currency) replaced this one: never handed out again. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  supersededAt: Date | null = null;

  /** When the reconciler should next ask Cashii; null when it should not. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  nextCheckAt: Date | null = null;

  /** Reconciler checks so far (drives the backoff). */
  @Column({ type: 'integer', default: 0 })
  checkAttempts: number = 0;

  /** Set when a pending payment passed the reconciler's horizon; it is then no longer polled. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  staleAt: Date | null = null;

  @Column({ type: 'bigint', transformer: epochMillis })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMillis })
  updatedAt: Date;

  /** Last time the status was confirmed with Cashii. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMillis })
  verifiedAt: Date | null = null;
}

/**
 * Columns that mirror a field of Cashii's payment (the wire snapshot's field of the same name): every
 * confirmation stores what Cashii said (core/payment-sync.ts) and every view shows it
 * (core/payment-view.ts). A new field from Cashii is a column above and its name here.
 */
export const CASHII_COLUMNS = ['from', 'to'] as const satisfies ReadonlyArray<keyof PaymentOrder>;
export type CashiiColumn = (typeof CASHII_COLUMNS)[number];

export { hasOpenReview } from './review-lifecycle';
