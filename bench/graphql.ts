// The operations every contender answers, the checks their answers must pass, and the small
// HTTP clients the bench uses to seed data through the BFF and to steer the simulator.
import { REQUEST_HEADERS } from './token';

/** The read every contender serves; L writes the same JSON by hand. */
export const READ = 'query Read($id: ID!) { payment(id: $id) { id amount currency status updatedAt } }';
export const CREATE =
  'mutation Create($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { id amount currency status paymentUrl } }';

/** Where the bench's orders send the user back; production allows only configured https origins. */
export const REDIRECT_ORIGIN = 'https://shop.bench.invalid';
/** More than 32 bits, as in the README's walkthrough. */
const ORDER = { amount: 3_000_000_000, currency: 'SYP', note: 'bench order', redirectUrl: `${REDIRECT_ORIGIN}/checkout/return` };

export const readBody = (id: string): string => JSON.stringify({ query: READ, variables: { id } });
export const CREATE_BODY = JSON.stringify({ query: CREATE, variables: { input: ORDER } });

/** A check of one response body: null when it is right, else what is wrong. */
export type Check = (body: string) => string | null;

/** One request of a row (its body and headers) and the check of its answer. */
export interface Shot {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly check: Check;
}

/** The request of a row that sends one body, as the bench viewer. */
export const shot = (body: string, check: Check): Shot => ({ body, headers: REQUEST_HEADERS, check });

interface Envelope {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

interface PaymentView {
  id?: unknown;
  amount?: unknown;
  currency?: unknown;
  status?: unknown;
  updatedAt?: unknown;
  paymentUrl?: unknown;
}

function payloadOf(body: string, field: string): PaymentView | string {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(body) as Envelope;
  } catch {
    return 'not JSON';
  }
  if (envelope.errors !== undefined) return `GraphQL errors: ${JSON.stringify(envelope.errors).slice(0, 300)}`;
  const value = envelope.data?.[field];
  return typeof value === 'object' && value !== null ? value : `no ${field} in data`;
}

function orderFields(payment: PaymentView): string | null {
  if (payment.amount !== ORDER.amount || payment.currency !== ORDER.currency) return 'amount or currency differs from the order';
  return null;
}

/** Byte-for-byte the reference answer (Apollo ends its JSON with a newline, the others do not). */
export function exactly(expected: string): Check {
  const want = expected.trimEnd();
  return (body) => (body.trimEnd() === want ? null : 'differs from the reference answer');
}

/**
 * An answer with what moves on every confirmation with Cashii (updatedAt, verifiedAt) blanked: a
 * PENDING read re-confirms, and the reconciler's settled checks re-confirm a PAID payment a minute
 * after it was paid (then an hour, a day), while the rows run.
 */
export function withoutConfirmationTimes(body: string): string {
  return body.trimEnd().replace(/"(updatedAt|verifiedAt)":(?:"[^"]*"|null)/g, '"$1":"*"');
}

/** Byte for byte the reference answer, once the confirmation times are blanked on both sides. */
export function exactlyButConfirmationTimes(expected: string): Check {
  const want = withoutConfirmationTimes(expected);
  return (body) => (withoutConfirmationTimes(body) === want ? null : 'differs from the reference answer (confirmation times aside)');
}

/** A payment read with this status; updatedAt moves with every confirmation, so it is not compared. */
export function paymentRead(id: string, status: 'PENDING' | 'PAID'): Check {
  return (body) => {
    const payment = payloadOf(body, 'payment');
    if (typeof payment === 'string') return payment;
    if (payment.id !== id || payment.status !== status) return `expected ${id} ${status}`;
    if (typeof payment.updatedAt !== 'string' || Number.isNaN(Date.parse(payment.updatedAt))) return 'updatedAt is not a date';
    return orderFields(payment);
  };
}

/** A new pending payment with its hosted page URL. */
export const created: Check = (body) => {
  const payment = payloadOf(body, 'createRemotePayment');
  if (typeof payment === 'string') return payment;
  if (typeof payment.id !== 'string' || !/^\d{16}$/.test(payment.id)) return 'id is not 16 digits';
  if (payment.status !== 'PENDING') return 'status is not PENDING';
  if (typeof payment.paymentUrl !== 'string' || !payment.paymentUrl.includes(`code=${payment.id}`))
    return 'paymentUrl does not name the id';
  return orderFields(payment);
};

async function post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** One GraphQL request (as the bench viewer, or with `headers`) that must succeed and pass `check`; returns the raw body. */
export async function gql(
  url: string,
  body: string,
  check: Check,
  headers: Readonly<Record<string, string>> = REQUEST_HEADERS,
): Promise<string> {
  const { status, text } = await post(url, body, headers);
  const problem = status === 200 ? check(text) : `HTTP ${status}`;
  if (problem !== null) throw new Error(`${url}: ${problem}: ${text.slice(0, 500)}`);
  return text;
}

/** Creates a payment through the BFF's own API; returns its Cashii id. */
export async function createPayment(url: string): Promise<string> {
  const text = await gql(url, CREATE_BODY, created);
  return (JSON.parse(text) as { data: { createRemotePayment: { id: string } } }).data.createRemotePayment.id;
}

export interface SimulatorStats {
  create: number;
  get: number;
}

/** The simulator's control API (`/__control/...`). */
export class SimulatorControl {
  constructor(private readonly baseUrl: string) {}

  private async control(path: string, payload?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/__control/${path}`, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`simulator control ${path}: HTTP ${response.status}`);
    return response.json();
  }

  async setLatency(ms: number): Promise<void> {
    await this.control('latency', { ms });
  }

  async setStatus(id: string, status: 'paid' | 'pending'): Promise<void> {
    await this.control(`payments/${id}`, { status });
  }

  async stats(): Promise<SimulatorStats> {
    return (await this.control('stats')) as SimulatorStats;
  }
}
