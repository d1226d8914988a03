/** What the module hands out about a merchant's order: its status in words a screen can show, and its payments. */
import type { MerchantOrder } from '../store/order-entity';
import { type PaymentOrder, hasOpenReview } from '../store/payment-entity';
import { PaymentStatus } from './payment-status';
import type { PaymentView } from './payment-view';

export enum OrderStatus {
  /** No payment is waiting (none yet, or the last one was canceled, rejected or failed). */
  UNPAID = 'UNPAID',
  /** A payment was handed out and Cashii has not seen it paid yet. */
  AWAITING_PAYMENT = 'AWAITING_PAYMENT',
  PAID = 'PAID',
  /** Paid, then refunded. */
  REFUNDED = 'REFUNDED',
  /** One of its payments waits for a person (another amount, a second payment to refund, ...). */
  NEEDS_REVIEW = 'NEEDS_REVIEW',
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  /** Every payment of the order that reached Cashii, newest first. */
  payments: PaymentView[];
  /** The payment that paid it, if any. */
  paidPayment: PaymentView | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The order's status from its row and its payments (newest first). */
export function orderStatus(order: MerchantOrder, payments: readonly PaymentOrder[]): OrderStatus {
  if (payments.some(hasOpenReview)) return OrderStatus.NEEDS_REVIEW;
  const paid = payerOf(order, payments);
  if (paid) return paid.status === PaymentStatus.REFUNDED ? OrderStatus.REFUNDED : OrderStatus.PAID;
  const active = payments.find((payment) => payment.id === order.activePaymentId);
  if (active && active.status === PaymentStatus.PENDING && active.supersededAt === null) return OrderStatus.AWAITING_PAYMENT;
  return OrderStatus.UNPAID;
}

/** The payment that paid the order: the one its row names, or an active one Cashii confirmed paid before the row did. */
function payerOf(order: MerchantOrder, payments: readonly PaymentOrder[]): PaymentOrder | undefined {
  const named = payments.find((payment) => payment.id === order.paidPaymentId);
  if (named) return named;
  const active = payments.find((payment) => payment.id === order.activePaymentId);
  const paid = active?.status === PaymentStatus.PAID || active?.status === PaymentStatus.REFUNDED;
  return active && paid && active.supersededAt === null ? active : undefined;
}

export function toOrderView(
  order: MerchantOrder,
  payments: readonly PaymentOrder[],
  present: (record: PaymentOrder) => PaymentView,
): OrderView {
  const views = payments.map(present);
  return {
    orderId: order.orderId,
    status: orderStatus(order, payments),
    payments: views,
    paidPayment: views.find((view) => view.reference === payerOf(order, payments)?.id) ?? null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
