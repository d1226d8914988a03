/**
 * The payment lifecycle as one small state machine (Cashii's: pending -> paid | canceled |
 * rejected; paid -> refunded). The only status write (PaymentSync.apply -> repository.transition)
 * takes steps of `pathBetween` and asserts each with `assertTransition`.
 */
import type { CashiiStatus } from '../../cashii';
import { PaymentStatus } from '../store/payment-values';

export { PaymentStatus };

const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  [PaymentStatus.PENDING]: [PaymentStatus.PAID, PaymentStatus.CANCELED, PaymentStatus.REJECTED],
  [PaymentStatus.PAID]: [PaymentStatus.REFUNDED],
  [PaymentStatus.CANCELED]: [],
  [PaymentStatus.REJECTED]: [],
  [PaymentStatus.REFUNDED]: [],
};

/** Whether `from -> to` is a legal move (staying put is not a move). */
export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return NEXT[from].includes(to);
}

/** No further change is possible. */
export function isFinal(status: PaymentStatus): boolean {
  return NEXT[status].length === 0;
}

/** Throws unless `from -> to` is a legal move: a bug, never an input error. */
export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) throw new Error(`illegal payment status change ${from} -> ${to}`);
}

/** Cashii's wire status to ours; exhaustive, so a new Cashii status fails to compile here. */
const FROM_CASHII: Readonly<Record<CashiiStatus, PaymentStatus>> = {
  pending: PaymentStatus.PENDING,
  paid: PaymentStatus.PAID,
  canceled: PaymentStatus.CANCELED,
  rejected: PaymentStatus.REJECTED,
  refunded: PaymentStatus.REFUNDED,
};

export function fromCashiiStatus(status: CashiiStatus): PaymentStatus {
  return FROM_CASHII[status];
}

/**
 * The legal moves that lead from `from` to `to` (e.g. PENDING -> PAID -> REFUNDED when Cashii
 * already reports a refund), or null when `to` cannot be reached. Empty when they are equal.
 */
export function pathBetween(from: PaymentStatus, to: PaymentStatus): PaymentStatus[] | null {
  if (from === to) return [];
  for (const next of NEXT[from]) {
    const rest = pathBetween(next, to);
    if (rest !== null) return [next, ...rest];
  }
  return null;
}
