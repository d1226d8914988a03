import { useApolloClient } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import {
  type OrderQuery,
  OrderDocument,
  confirmPaymentReturnInput,
  useConfirmPaymentReturnMutation,
  usePaymentStatusChangedSubscription,
} from '../../../client/src';
import { ORDER_STATUS_WORDS, PAYMENT_STATUS_WORDS, endCheckoutAttempt, shopperError } from './checkout';

type Order = NonNullable<OrderQuery['order']>;
type OrderPayment = Order['payments'][number];

/**
 * A paid payment the shop will refund: one in review that is not the payment that paid its order,
 * while another payment did pay the order or a newer one replaced it (the cart changed). The server
 * flags those as a second payment (DUPLICATE_PAYMENT) or a replaced one (SUPERSEDED_PAID), and its
 * `reviewReason` says so in words for the shopper.
 */
export function toBeRefunded(payment: Pick<OrderPayment, 'id' | 'status' | 'needsReview' | 'createdAt'>, order: Order): boolean {
  if (payment.status !== 'PAID' || !payment.needsReview) return false;
  if (order.paidPayment) return order.paidPayment.id !== payment.id;
  return order.payments.some((other) => other.id !== payment.id && Date.parse(other.createdAt) > Date.parse(payment.createdAt));
}

/**
 * Where Cashii sends the browser back. The URL's parameters are only a claim: the page sends them
 * to `confirmPaymentReturn`, which re-reads the status from Cashii, and shows that answer with the
 * order it belongs to. While the payment is still pending it waits for `paymentStatusChanged`
 * instead of polling.
 */
export function ReturnPage() {
  const client = useApolloClient();
  const [input] = useState(() => confirmPaymentReturnInput(window.location.search));
  const [confirm, confirmation] = useConfirmPaymentReturnMutation();
  const [order, setOrder] = useState<Order | null>(null);
  // Bumped when the tab is shown again: another tab may have paid (or the shop reviewed) meanwhile.
  const [shown, setShown] = useState(0);
  const sent = useRef(false);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') setShown((count) => count + 1);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  useEffect(() => {
    // Once per page load (React's development mode runs effects twice; a repeat would be harmless).
    if (!input || sent.current) return;
    sent.current = true;
    confirm({ variables: { input } }).catch(() => undefined); // the error is shown from `confirmation`
  }, [confirm, input]);

  const confirmed = confirmation.data?.confirmPaymentReturn;
  const waiting = confirmed?.status === 'PENDING';
  const live = usePaymentStatusChangedSubscription({ variables: { id: confirmed?.id ?? '' }, skip: !waiting });
  const payment = live.data?.paymentStatusChanged ?? confirmed;
  const settled = payment !== undefined && payment.status !== 'PENDING';

  useEffect(() => {
    if (settled) endCheckoutAttempt();
  }, [settled]);

  // The order this payment belongs to, asked again whenever the payment's status changes.
  const orderId = payment?.orderId ?? null;
  const paymentStatus = payment?.status;
  const needsReview = payment?.needsReview;
  useEffect(() => {
    if (!orderId) return;
    let current = true;
    client
      .query({ query: OrderDocument, variables: { orderId }, fetchPolicy: 'network-only' })
      .then(({ data }) => current && setOrder(data?.order ?? null))
      .catch(() => undefined); // the payment itself is shown; the summary is a complement
    return () => {
      current = false;
    };
  }, [client, orderId, paymentStatus, needsReview, shown]);

  if (!input) {
    return (
      <main>
        <h1>Payment</h1>
        <p className="error" data-testid="return-error">
          This return link is incomplete: it needs cashii_ref, transaction_id, status and signature.
        </p>
      </main>
    );
  }
  if (confirmation.error) {
    const problem = shopperError(confirmation.error);
    return (
      <main>
        <h1>Payment</h1>
        <p className="error" role="alert" data-testid="return-error">
          We could not confirm this payment. {problem.kind === 'message' ? problem.text : 'This order is paid.'}
        </p>
        <p>
          <a href={window.location.href}>Check again</a>
        </p>
      </main>
    );
  }
  if (!payment) {
    return (
      <main>
        <h1>Payment</h1>
        <p data-testid="confirming">Confirming your payment with Cashii…</p>
      </main>
    );
  }
  const orderPaidByAnother = order?.paidPayment && order.paidPayment.id !== payment.id;
  const refunded = order !== null && toBeRefunded(payment, order);
  // Other paid payments of this order that the shop will refund, told on the page of the one that counts.
  const othersRefunded =
    order === null || payment.needsReview || payment.status !== 'PAID'
      ? []
      : order.payments.filter((other) => other.id !== payment.id && toBeRefunded(other, order));
  // What the order costs: its paid payment's amount; for a payment to be refunded, the newer one that replaced it.
  const orderAmount = (
    order?.paidPayment ??
    (refunded ? order.payments.find((other) => other.id !== payment.id && !toBeRefunded(other, order)) : undefined) ??
    payment
  ).formattedAmount;
  const headline = refunded
    ? 'This payment will be refunded'
    : payment.needsReview
      ? 'The shop is checking your payment'
      : PAYMENT_STATUS_WORDS[payment.status].headline;
  return (
    <main>
      <h1>{headline}</h1>
      <p className="status" data-testid="payment-status" data-status={payment.status}>
        {PAYMENT_STATUS_WORDS[payment.status].label}
      </p>
      <dl>
        <dt>Amount</dt>
        <dd data-testid="payment-amount">{payment.formattedAmount}</dd>
        <dt>Payment</dt>
        <dd data-testid="payment-id">{payment.id}</dd>
        {payment.verifiedAt && (
          <>
            <dt>Confirmed with Cashii</dt>
            <dd>{new Date(payment.verifiedAt).toLocaleString('en-US')}</dd>
          </>
        )}
      </dl>
      {refunded && (
        <p className="notice" data-testid="will-be-refunded" role="status">
          You paid {payment.formattedAmount} with this payment. {payment.reviewReason ?? 'The shop will refund it.'} You do not need to do
          anything.
        </p>
      )}
      {othersRefunded.length > 0 && (
        <p className="notice" data-testid="other-refund" role="status">
          This payment pays your order.{' '}
          {othersRefunded.map((other) => (
            <span key={other.id}>
              You also paid {other.formattedAmount} for it with payment {other.id}: the shop will refund that payment.{' '}
            </span>
          ))}
          You do not need to do anything.
        </p>
      )}
      {order && (
        <section data-testid="order-summary" data-order-status={order.status}>
          <h2>Your order</h2>
          <dl>
            <dt>Order</dt>
            <dd data-testid="order-id">{order.orderId}</dd>
            <dt>Amount</dt>
            <dd data-testid="order-amount">{orderAmount}</dd>
            <dt>Status</dt>
            <dd data-testid="order-status">{ORDER_STATUS_WORDS[order.status]}</dd>
          </dl>
          {orderPaidByAnother && (
            <p data-testid="paid-by-another">This order was already paid by another payment. The shop will refund this one.</p>
          )}
        </section>
      )}
      {payment.status === 'PENDING' && (
        <p className="waiting" data-testid="waiting" aria-live="polite">
          Cashii has not confirmed this payment yet. This page updates by itself as soon as it does.
        </p>
      )}
      {live.error && (
        <p className="error" data-testid="live-error">
          Live updates stopped because the payment service is not reachable; reload the page to check again.
        </p>
      )}
      {payment.needsReview && !refunded && (
        <p data-testid="needs-review">
          This payment is being checked by the shop before it counts as paid.{payment.reviewReason ? ` ${payment.reviewReason}` : ''}
        </p>
      )}
      <p>
        <a href="/">{settled && payment.status !== 'PAID' ? 'Back to the cart to try again' : 'Back to the shop'}</a>
      </p>
    </main>
  );
}
