/**
 * The value sets of the stored payment columns. They live with the store (the lowest room) so the
 * entities need nothing above them; core's state machine and api's GraphQL enums build on them.
 */

/** Where a payment stands in Cashii's lifecycle (the state machine is core/payment-status.ts). */
export enum PaymentStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  CANCELED = 'CANCELED',
  REJECTED = 'REJECTED',
  REFUNDED = 'REFUNDED',
}

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

/** What caused a status change (stored lower case in payment_events.source). */
export enum PaymentEventSource {
  CREATE = 'create',
  READ = 'read',
  RETURN = 'return',
  RECONCILE = 'reconcile',
}
