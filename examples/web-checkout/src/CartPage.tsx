import { useRef, useState } from 'react';
import { useCreateRemotePaymentMutation } from '../../../client/src';
import { CART, CURRENCY, cartId, cartTotal, checkoutAttemptKey, formatMinor } from './checkout';

export function CartPage() {
  const [createPayment] = useCreateRemotePaymentMutation();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const leaving = useRef(false);
  const total = cartTotal(CART);

  const pay = async () => {
    setSubmitting(true);
    setError(null);
    try {
      const { data } = await createPayment({
        variables: {
          input: {
            amount: total,
            currency: CURRENCY,
            orderId: cartId(),
            note: `Cashii example shop, ${CART.length} items`,
            idempotencyKey: checkoutAttemptKey(),
            redirectUrl: `${window.location.origin}/return`,
          },
        },
      });
      if (!data) throw new Error('The payment could not be created');
      // Every click of this attempt answers the same payment: go to its page once.
      if (!leaving.current) window.location.assign(data.createRemotePayment.paymentUrl);
      leaving.current = true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setSubmitting(false);
    }
  };

  return (
    <main>
      <h1>Your cart</h1>
      <table data-testid="cart">
        <thead>
          <tr>
            <th>Item</th>
            <th>Price</th>
          </tr>
        </thead>
        <tbody>
          {CART.map((line) => (
            <tr key={line.name}>
              <td>
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
      <button type="button" data-testid="pay-with-cashii" disabled={submitting} onClick={() => void pay()}>
        {submitting ? 'Opening Cashii…' : 'Pay with Cashii'}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="checkout-error">
          {error}
        </p>
      )}
    </main>
  );
}
