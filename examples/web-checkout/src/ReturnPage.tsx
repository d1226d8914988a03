import { useEffect, useRef, useState } from 'react';
import {
  type PaymentStatus,
  confirmPaymentReturnInput,
  useConfirmPaymentReturnMutation,
  usePaymentStatusChangedSubscription,
} from '../../../client/src';
import { endCheckoutAttempt } from './checkout';

const HEADLINE: Record<PaymentStatus, string> = {
  PENDING: 'Waiting for your payment',
  PAID: 'Thank you, your payment is confirmed',
  REJECTED: 'Your payment was rejected',
  CANCELED: 'You canceled the payment',
  REFUNDED: 'This payment was refunded',
};

/**
 * Where Cashii sends the browser back. The URL's parameters are only a claim: the page sends them
 * to `confirmPaymentReturn`, which re-reads the status from Cashii, and shows that answer. While
 * the payment is still pending it waits for `paymentStatusChanged` instead of polling.
 */
export function ReturnPage() {
  const [input] = useState(() => confirmPaymentReturnInput(window.location.search));
  const [confirm, confirmation] = useConfirmPaymentReturnMutation();
  const sent = useRef(false);

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
    return (
      <main>
        <h1>Payment</h1>
        <p className="error" role="alert" data-testid="return-error">
          We could not confirm this payment: {confirmation.error.message}
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
  return (
    <main>
      <h1>{HEADLINE[payment.status]}</h1>
      <p className="status" data-testid="payment-status" data-status={payment.status}>
        {payment.status}
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
      {payment.status === 'PENDING' && (
        <p className="waiting" data-testid="waiting" aria-live="polite">
          Cashii has not confirmed this payment yet. This page updates by itself as soon as it does.
        </p>
      )}
      {live.error && (
        <p className="error" data-testid="live-error">
          Live updates stopped ({live.error.message}); reload the page to check again.
        </p>
      )}
      {payment.needsReview && <p data-testid="needs-review">This payment is being reviewed by the shop before it counts as paid.</p>}
      <p>
        <a href="/">{settled && payment.status !== 'PAID' ? 'Back to the cart to try again' : 'Back to the shop'}</a>
      </p>
    </main>
  );
}
