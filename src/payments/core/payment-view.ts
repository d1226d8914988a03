/** Record -> GraphQL type, and the hosted payment page URL. */
import { currencyExponent, toDecimalString } from './money';
import type { PaymentOrder } from '../store/payment.entity';
import type { PaymentEventRecord } from '../store/payment-event.entity';
import { PaymentEvent, type PaymentEventSource, RemotePayment } from '../api/payment.type';

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

export function toRemotePayment(record: PaymentOrder, pageUrl: string): RemotePayment {
  if (record.cashiiId === null) throw new Error(`payment order ${record.id} has no Cashii id`);
  const payment = new RemotePayment();
  payment.id = record.cashiiId;
  payment.amount = record.amount;
  payment.currency = record.currency;
  payment.currencyExponent = currencyExponent(record.currency);
  payment.amountDecimal = toDecimalString(record.amount, record.currency);
  payment.note = record.note;
  payment.metadata = record.metadata === null ? null : (JSON.parse(record.metadata) as Record<string, unknown>);
  payment.status = record.status;
  payment.from = record.from;
  payment.to = record.to;
  payment.payableTo = record.payableTo;
  payment.orderId = record.orderId;
  payment.paymentUrl = paymentPageUrl(pageUrl, record.cashiiId, record.returnUrl);
  payment.transactionId = record.transactionId;
  payment.createdAt = record.createdAt;
  payment.updatedAt = record.updatedAt;
  payment.verifiedAt = record.verifiedAt;
  payment.needsReview = record.reviewReason !== null;
  payment.reviewReason = record.reviewReason;
  payment.recordId = record.id;
  return payment;
}

export function toPaymentEvent(record: PaymentEventRecord): PaymentEvent {
  const event = new PaymentEvent();
  event.from = record.fromStatus;
  event.to = record.toStatus;
  event.source = record.source as PaymentEventSource;
  event.at = record.at;
  return event;
}
