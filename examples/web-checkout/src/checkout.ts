/** The demo cart, and the idempotency key of the current checkout attempt. */

export interface CartLine {
  name: string;
  quantity: number;
  /** Unit price in minor units (SYP has two decimals). */
  unitPrice: number;
}

export const CURRENCY = 'SYP';

export const CART: CartLine[] = [
  { name: 'Aleppo olive-oil soap', quantity: 2, unitPrice: 4_500_000 },
  { name: 'Damascene rose water', quantity: 1, unitPrice: 3_000_000 },
];

export const cartTotal = (lines: CartLine[]): number => lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);

/** Minor units for display in the cart; the BFF's `formattedAmount` is the reference once a payment exists. */
export const formatMinor = (amount: number): string =>
  // Two digits as ISO 4217 says for SYP (browsers' CLDR data shows none).
  new Intl.NumberFormat('en-US', { style: 'currency', currency: CURRENCY, currencyDisplay: 'code', minimumFractionDigits: 2 }).format(
    amount / 100,
  );

const CART_ID = 'cashii-example:cart';
const ATTEMPT = 'cashii-example:checkout-attempt';

function remembered(key: string, create: () => string): string {
  const existing = sessionStorage.getItem(key);
  if (existing) return existing;
  const value = create();
  sessionStorage.setItem(key, value);
  return value;
}

/** The cart's own id, sent as the payment's orderId. */
export const cartId = (): string => remembered(CART_ID, () => `cart-${crypto.randomUUID()}`);

/**
 * One key per checkout attempt, reused by every click and reload until the attempt ends: a double
 * click or a retry after a network error then gets the same payment back instead of a second one.
 */
export const checkoutAttemptKey = (): string => remembered(ATTEMPT, () => `${cartId()}:${crypto.randomUUID()}`);

/** The attempt ended (paid, rejected or canceled): the next "Pay with Cashii" is a new payment. */
export function endCheckoutAttempt(): void {
  sessionStorage.removeItem(ATTEMPT);
}
