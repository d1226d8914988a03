import { CASHII_STATUSES, type CashiiStatus } from '../../cashii/wire';

/**
 * The value sets of the stored payment columns. They live with the store (the lowest room) so the
 * entities need nothing above them; core's state machine and api's GraphQL enums build on them.
 */

/**
 * Where a payment stands in Cashii's lifecycle (the state machine is core/payment-status.ts): one
 * value per Cashii status, upper case, derived from the adapter's list (`CASHII_STATUSES`), so a new
 * Cashii status appears here, in the GraphQL enum, the simulator and the example's tables at once,
 * and the compiler points at each table that must decide something about it.
 */
export type PaymentStatus = Uppercase<CashiiStatus>;
export const PaymentStatus = Object.freeze(
  Object.fromEntries(CASHII_STATUSES.map((status) => [status.toUpperCase(), status.toUpperCase()])),
) as { readonly [S in CashiiStatus as Uppercase<S>]: Uppercase<S> };

/**
 * Where the create call to Cashii stands. The record is written as `SENDING` before the call, so
 * a crash or an unknown outcome is never silent.
 */
export enum CreateState {
  SENDING = 'SENDING',
  CREATED = 'CREATED',
  /** Cashii certainly created nothing (refused, unreachable before sending). */
  FAILED = 'FAILED',
  /** Cashii may have created a payment whose id we never learnt (timeout after sending, reset, garbage). */
  UNKNOWN = 'UNKNOWN',
}

/** What caused an event of a payment's history (stored lower case in payment_events.source). */
export enum PaymentEventSource {
  CREATE = 'create',
  READ = 'read',
  RETURN = 'return',
  RECONCILE = 'reconcile',
  /** The payment was put in the review queue (the note says why). */
  REVIEW = 'review',
  /** An operator had it re-read from Cashii. */
  OPERATOR_RECHECK = 'operator-recheck',
  /** An operator closed its review with a resolution. */
  OPERATOR_RESOLVE = 'operator-resolve',
}

/** The sources of status changes a customer sees; the others are the back office's. */
export const CUSTOMER_EVENT_SOURCES: readonly PaymentEventSource[] = [
  PaymentEventSource.CREATE,
  PaymentEventSource.READ,
  PaymentEventSource.RETURN,
  PaymentEventSource.RECONCILE,
];

/** Why a payment waits for a person (the stored ones; STALE and UNKNOWN_CREATE are read from other columns). */
export enum ReviewReason {
  /** Cashii reports another amount or currency than the order. */
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  /** Its order was already paid by another payment: this one must be refunded. */
  DUPLICATE_PAYMENT = 'DUPLICATE_PAYMENT',
  /** Paid although a newer payment had replaced it (the cart changed): it must be refunded. */
  SUPERSEDED_PAID = 'SUPERSEDED_PAID',
  /**
   * Cashii reports a status our record cannot move to (paid after rejected or canceled, paid again
   * after refunded, rejected or canceled or pending after paid): the stored status stays, Cashii's
   * answer is kept in `upstreamStatus`, and a person decides.
   */
  STATUS_CONFLICT = 'STATUS_CONFLICT',
  /** A Cashii id from the create journal or a log that does not match the record. */
  RECOVERED_ID = 'RECOVERED_ID',
  /** Still pending past the reconciler's horizon. */
  STALE = 'STALE',
  /** A create whose outcome stayed unknown past the Cashii deadline: Cashii may hold an orphan. */
  UNKNOWN_CREATE = 'UNKNOWN_CREATE',
}

/** How an operator closed a review. */
export enum ReviewResolution {
  /** The payment counts as paid as it is (e.g. the amount difference is accepted). */
  ACCEPTED_AS_PAID = 'ACCEPTED_AS_PAID',
  /** The money was given back outside the BFF (Cashii has no refund API). */
  REFUNDED_OUTSIDE = 'REFUNDED_OUTSIDE',
  /** Nothing more will be done (an orphaned or abandoned payment). */
  WRITTEN_OFF = 'WRITTEN_OFF',
}
