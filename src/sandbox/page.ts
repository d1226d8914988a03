/**
 * The simulated hosted payment page: `GET /payment?code=<id>&redirect=<url>` shows the payment with
 * Pay / Reject / Cancel; the chosen action is posted back, applied, and the browser is sent to the
 * return URL with `transaction_id`, `status` and `signature` appended (its own query kept).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readBody, sendHtml } from './http-util';
import { type SimStatus, type SimulatorState, randomDigits } from './state';

const OUTCOMES: Record<string, SimStatus> = { pay: 'paid', reject: 'rejected', cancel: 'canceled' };

export function showPaymentPage(state: SimulatorState, url: URL, res: ServerResponse): void {
  state.stats.page++;
  const code = url.searchParams.get('code') ?? '';
  const redirect = url.searchParams.get('redirect') ?? '';
  const payment = state.payments.get(code);
  if (!payment || !isHttpUrl(redirect)) {
    sendHtml(res, payment ? 400 : 404, page('Payment not found', '<p>This payment link is not valid.</p>'));
    return;
  }
  const amount = `${escapeHtml(String(payment.amount))} ${escapeHtml(payment.currency)} (minor units)`;
  const actions =
    payment.status === 'pending'
      ? ['pay', 'reject', 'cancel']
          .map((action) => `<button type="submit" name="action" value="${action}" id="${action}">${label(action)}</button>`)
          .join(' ')
      : `<p>This payment is already <strong>${escapeHtml(payment.status)}</strong>.</p>`;
  sendHtml(
    res,
    200,
    page(
      'Cashii payment (simulator)',
      `<p class="warn">Cashii simulator: no money moves.</p>
<dl><dt>Payment code</dt><dd id="code">${escapeHtml(payment.id)}</dd>
<dt>Amount</dt><dd id="amount">${amount}</dd>
<dt>Note</dt><dd>${escapeHtml(payment.note ?? '')}</dd>
<dt>Status</dt><dd id="status">${escapeHtml(payment.status)}</dd></dl>
<form method="post" action="/payment">
<input type="hidden" name="code" value="${escapeHtml(payment.id)}">
<input type="hidden" name="redirect" value="${escapeHtml(redirect)}">
${actions}
</form>`,
    ),
  );
}

export async function actOnPaymentPage(
  state: SimulatorState,
  signingSecret: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await readBody(req, 16 * 1024));
  const payment = state.payments.get(form.get('code') ?? '');
  const redirect = form.get('redirect') ?? '';
  const outcome = OUTCOMES[form.get('action') ?? ''];
  if (!payment || !isHttpUrl(redirect) || !outcome) {
    sendHtml(res, 400, page('Invalid request', '<p>The payment form was incomplete.</p>'));
    return;
  }
  if (payment.status === 'pending') {
    payment.status = outcome;
    if (outcome === 'paid') payment.from = randomDigits(16, true);
  }
  const transactionId = `txn_${randomBytes(12).toString('hex')}`;
  const target = new URL(redirect);
  target.searchParams.append('transaction_id', transactionId);
  target.searchParams.append('status', payment.status);
  target.searchParams.append('signature', sign(signingSecret, transactionId, payment.status));
  res.writeHead(303, { location: target.toString(), 'content-length': 0 });
  res.end();
}

/** The simulator's own redirect signature; Cashii's real scheme is not published yet. */
export function sign(secret: string, transactionId: string, status: string): string {
  return createHmac('sha256', secret).update(`${transactionId}.${status}`).digest('hex');
}

function isHttpUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function label(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
.warn{background:#fff3cd;padding:.5rem}button{font-size:1rem;margin-right:.5rem;padding:.5rem 1rem}
dt{font-weight:bold}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
