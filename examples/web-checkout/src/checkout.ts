/**
 * The demo cart (kept in localStorage with its order id, so every tab and every visit of this
 * browser sees the same cart), the idempotency key of the current checkout attempt (per tab), and
 * the words a shopper sees for statuses and errors.
 */
import { CombinedGraphQLErrors } from '@apollo/client';
import type { OrderStatus, PaymentStatus } from '../../../client/src';

export interface CartLine {
  name: string;
  quantity: number;
  /** Unit price in minor units (SYP has two decimals). */
  unitPrice: number;
}

export interface Cart {
  /** The cart's own id, sent as the payment's `orderId`: one order, paid once. */
  orderId: string;
  lines: CartLine[];
}

export const CURRENCY = 'SYP';

const DEFAULT_LINES: CartLine[] = [
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

const CART = 'cashii-example:cart';
const ATTEMPT = 'cashii-example:checkout-attempt';

const newCart = (): Cart => ({ orderId: `cart-${crypto.randomUUID()}`, lines: DEFAULT_LINES.map((line) => ({ ...line })) });

/** The cart of this browser (created on first use), with its stable order id. */
export function loadCart(): Cart {
  try {
    const stored = JSON.parse(localStorage.getItem(CART) ?? 'null') as Partial<Cart> | null;
    if (stored && typeof stored.orderId === 'string' && Array.isArray(stored.lines))
      return { orderId: stored.orderId, lines: stored.lines };
  } catch {
    // A broken entry: start a new cart.
  }
  const cart = newCart();
  saveCart(cart);
  return cart;
}

export function saveCart(cart: Cart): void {
  localStorage.setItem(CART, JSON.stringify(cart));
}

/** After a paid order: an empty-handed shopper starts a new cart, hence a new order. */
export function startNewCart(): Cart {
  const cart = newCart();
  saveCart(cart);
  endCheckoutAttempt();
  return cart;
}

/**
 * One key per checkout attempt, reused by every click and reload until the attempt ends: a double
 * click or a retry after a network error then gets the same payment back instead of a second one.
 * Kept per tab (sessionStorage); the order id keeps two tabs from paying one cart twice.
 */
export function checkoutAttemptKey(orderId: string): string {
  const existing = sessionStorage.getItem(ATTEMPT);
  if (existing?.startsWith(`${orderId}:`)) return existing;
  const key = `${orderId}:${crypto.randomUUID()}`;
  sessionStorage.setItem(ATTEMPT, key);
  return key;
}

/** The attempt ended (paid, rejected or canceled, or the cart changed): the next "Pay with Cashii" is a new payment. */
export function endCheckoutAttempt(): void {
  sessionStorage.removeItem(ATTEMPT);
}

/** What the shop says of each payment status: a label, and the return page's headline (one map, so a new status is one entry). */
export const PAYMENT_STATUS_WORDS: Record<PaymentStatus, { label: string; headline: string }> = {
  PENDING: { label: 'Waiting for Cashii', headline: 'Waiting for your payment' },
  PAID: { label: 'Paid', headline: 'Thank you, your payment is confirmed' },
  REJECTED: { label: 'Rejected by Cashii', headline: 'Your payment was rejected' },
  CANCELED: { label: 'Canceled', headline: 'You canceled the payment' },
  REFUNDED: { label: 'Refunded', headline: 'This payment was refunded' },
};

export const ORDER_STATUS_WORDS: Record<OrderStatus, string> = {
  UNPAID: 'Not paid yet',
  AWAITING_PAYMENT: 'Waiting for your payment',
  PAID: 'Paid',
  REFUNDED: 'Paid, then refunded',
  NEEDS_REVIEW: 'Being checked by the shop',
};

export const UNREACHABLE = 'The payment service is not reachable right now. Please try again.';

/** What went wrong, for a shopper: an error the page shows, or the order being paid already. */
export type ShopperError = { kind: 'message'; text: string } | { kind: 'already-paid'; paymentId: string | null };

/**
 * Words a shopper understands for whatever Apollo Client raised: never the transport's own
 * message ("Failed to fetch", a proxy's 502, ...). Only GraphQL error codes are told apart.
 */
export function shopperError(error: unknown): ShopperError {
  if (!CombinedGraphQLErrors.is(error)) return { kind: 'message', text: UNREACHABLE }; // network down, proxy error, not JSON
  const first = error.errors[0];
  const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
  switch (extensions.code) {
    case 'ORDER_ALREADY_PAID':
      return { kind: 'already-paid', paymentId: typeof extensions.paymentId === 'string' ? extensions.paymentId : null };
    case 'RATE_LIMITED': {
      const seconds = Math.max(1, Math.ceil(Number(extensions.retryAfterSeconds) || 1));
      return { kind: 'message', text: `Too many attempts. Please wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} and try again.` };
    }
    case 'UPSTREAM_REJECTED':
      return { kind: 'message', text: 'Cashii did not accept this payment. Please contact the shop.' };
    case 'UPSTREAM_UNAVAILABLE':
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL_SERVER_ERROR':
      return { kind: 'message', text: UNREACHABLE };
    default:
      return { kind: 'message', text: 'Something went wrong with the payment. Please try again.' };
  }
}
