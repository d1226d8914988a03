/**
 * The payment lifecycle as one small state machine (Cashii's: pending -> paid | canceled |
 * rejected; paid -> refunded). Every status write is checked against it.
 */
import type { CashiiStatus } from '../../cashii';

export enum PaymentStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  CANCELED = 'CANCELED',
  REJECTED = 'REJECTED',
  REFUNDED = 'REFUNDED',
}

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

export function fromCashiiStatus(status: CashiiStatus): PaymentStatus {
  return status.toUpperCase() as PaymentStatus;
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
