import { useApolloClient } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type OrderQuery, OrderDocument, useCreateRemotePaymentMutation } from '../../../client/src';
import {
  CURRENCY,
  type Cart,
  type ShopperError,
  cartTotal,
  checkoutAttemptKey,
  endCheckoutAttempt,
  formatMinor,
  loadCart,
  saveCart,
  shopperError,
  startNewCart,
} from './checkout';

type Order = NonNullable<OrderQuery['order']>;

/**
 * What the page knows about the cart's order. Until the BFF answered `order(orderId)` there is no
 * Pay button: a cart that is paid must never offer one, also when the shopper comes back with Back.
 */
type OrderState = { kind: 'checking' } | { kind: 'known'; order: Order | null } | { kind: 'unknown'; error: string };

export function CartPage() {
  const client = useApolloClient();
  const [createPayment] = useCreateRemotePaymentMutation();
  const [cart, setCart] = useState<Cart>(loadCart);
  const [orderState, setOrderState] = useState<OrderState>({ kind: 'checking' });
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const leaving = useRef(false);
  const latestCheck = useRef(0);
  const total = cartTotal(cart.lines);

  /** Asks the BFF for the order (never the cache: another tab or the hosted page may have paid it). */
  const checkOrder = useCallback(
    async (orderId: string) => {
      const check = ++latestCheck.current;
      setOrderState({ kind: 'checking' });
      try {
        const { data } = await client.query({ query: OrderDocument, variables: { orderId }, fetchPolicy: 'network-only' });
        if (check === latestCheck.current) setOrderState({ kind: 'known', order: data?.order ?? null });
      } catch (caught) {
        if (check !== latestCheck.current) return;
        const problem = shopperError(caught);
        setOrderState({ kind: 'unknown', error: problem.kind === 'message' ? problem.text : 'This order is paid.' });
      }
    },
    [client],
  );

  useEffect(() => {
    void checkOrder(cart.orderId);
  }, [cart.orderId, checkOrder]);

  useEffect(() => {
    // Back (or Forward) may restore this page from the back/forward cache, as it was when the shopper
    // left for Cashii; a tab that becomes visible again may show a cart paid meanwhile. Ask again.
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      leaving.current = false;
      setSubmitting(false);
      setError(null);
      const current = loadCart();
      setCart(current);
      void checkOrder(current.orderId);
    };
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      const current = loadCart();
      setCart(current);
      void checkOrder(current.orderId);
    };
    window.addEventListener('pageshow', onPageShow);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('pageshow', onPageShow);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [checkOrder]);

  const showProblem = (problem: ShopperError) => {
    if (problem.kind === 'already-paid') {
      setError(null);
      void checkOrder(cart.orderId); // shows the paid order
    } else {
      setError(problem.text);
    }
  };

  const pay = async () => {
    setSubmitting(true);
    setError(null);
    try {
      const { data } = await createPayment({
        variables: {
          input: {
            amount: total,
            currency: CURRENCY,
            orderId: cart.orderId,
            note: `Cashii example shop, ${cart.lines.length} items`,
            idempotencyKey: checkoutAttemptKey(cart.orderId),
            redirectUrl: `${window.location.origin}/return`,
          },
        },
      });
      if (!data) throw new Error('no data');
      // Every click of this attempt answers the same payment: go to its page once.
      if (!leaving.current) window.location.assign(data.createRemotePayment.paymentUrl);
      leaving.current = true;
    } catch (caught) {
      showProblem(shopperError(caught));
      setSubmitting(false);
    }
  };

  const changeQuantity = (name: string, delta: number) => {
    const lines = cart.lines.map((line) => (line.name === name ? { ...line, quantity: Math.max(1, line.quantity + delta) } : line));
    const next = { ...cart, lines };
    saveCart(next);
    setCart(next);
    // Another amount is another payment: the BFF supersedes the pending one when this cart is paid.
    endCheckoutAttempt();
  };

  const order = orderState.kind === 'known' ? orderState.order : null;
  const status = order?.status ?? 'UNPAID';
  const paidOrder = orderState.kind === 'known' && (status === 'PAID' || status === 'REFUNDED');
  const inReview = orderState.kind === 'known' && status === 'NEEDS_REVIEW';
  // The payment the shopper can finish: the newest pending one, if it is for this cart as it is now.
  const pending =
    status === 'AWAITING_PAYMENT' ? order?.payments.find((payment) => payment.status === 'PENDING' && !payment.needsReview) : undefined;
  const resumable = pending && pending.amount === total && pending.currency === CURRENCY ? pending : undefined;
  const canPay = orderState.kind === 'known' && !paidOrder && !inReview;
  const editable = canPay;

  return (
    <main>
      <h1>Your cart</h1>
      <table data-testid="cart" data-order-id={cart.orderId}>
        <thead>
          <tr>
            <th>Item</th>
            <th>Price</th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.name}>
              <td>
                {editable && (
                  <span className="quantity">
                    <button type="button" aria-label={`One ${line.name} less`} onClick={() => changeQuantity(line.name, -1)}>
                      −
                    </button>
                    <button
                      type="button"
                      aria-label={`One more ${line.name}`}
                      data-testid={`more-${line.name}`}
                      onClick={() => changeQuantity(line.name, 1)}
                    >
                      +
                    </button>
                  </span>
                )}
                {line.quantity} × {line.name}
              </td>
              <td>{formatMinor(line.quantity * line.unitPrice)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            <th data-testid="cart-total">{formatMinor(total)}</th>
          </tr>
        </tfoot>
      </table>

      {orderState.kind === 'checking' && (
        <p data-testid="order-checking" aria-live="polite">
          Checking your order…
        </p>
      )}

      {paidOrder && order && (
        <section data-testid="order-paid" data-status={status}>
          <p className="status" data-status="PAID">
            {status === 'REFUNDED' ? 'This order was paid and then refunded' : 'This order is paid'}
          </p>
          {order.paidPayment && (
            <p>
              {order.paidPayment.formattedAmount}, Cashii payment <span data-testid="paid-payment-id">{order.paidPayment.id}</span>
            </p>
          )}
          <button type="button" data-testid="new-cart" onClick={() => setCart(startNewCart())}>
            Start a new order
          </button>
        </section>
      )}

      {inReview && (
        <p className="waiting" data-testid="order-in-review">
          Your payment is being checked by the shop. You do not need to pay again; the shop will contact you.
        </p>
      )}

      {canPay && resumable && (
        <section data-testid="order-awaiting">
          <p>You started paying this order with Cashii and have not finished yet.</p>
          <a className="button" data-testid="resume-payment" href={resumable.paymentUrl}>
            Continue your payment
          </a>
        </section>
      )}

      {canPay && !resumable && (
        <button type="button" data-testid="pay-with-cashii" disabled={submitting} onClick={() => void pay()}>
          {submitting ? 'Opening Cashii…' : 'Pay with Cashii'}
        </button>
      )}

      {orderState.kind === 'unknown' && (
        <>
          <p className="error" role="alert" data-testid="checkout-error">
            {orderState.error}
          </p>
          <button type="button" data-testid="check-again" onClick={() => void checkOrder(cart.orderId)}>
            Try again
          </button>
        </>
      )}
      {error && (
        <p className="error" role="alert" data-testid="checkout-error">
          {error}
        </p>
      )}
    </main>
  );
}
