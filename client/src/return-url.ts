/**
 * What the return page sends back. Cashii redirects the browser to the merchant's return URL with
 * `transaction_id`, `status` and `signature` appended; the BFF added `cashii_ref` (its reference)
 * when it created the payment. All four go to `confirmPaymentReturn` unchanged: the server re-reads
 * the status from Cashii and never trusts the redirect's claim.
 */
import type { ConfirmPaymentReturnInput } from './gql/graphql.js';

/** The `confirmPaymentReturn` input from a return URL's query string, or null when a parameter is missing. */
export function confirmPaymentReturnInput(search: string | URLSearchParams): ConfirmPaymentReturnInput | null {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const reference = params.get('cashii_ref');
  const transactionId = params.get('transaction_id');
  const status = params.get('status');
  const signature = params.get('signature');
  if (!reference || !transactionId || !status || signature === null) return null;
  return { reference, transactionId, status, signature };
}
