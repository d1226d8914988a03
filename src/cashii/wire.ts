/**
 * Cashii's wire format and its mapping to our types. Every assumption about behaviour Cashii's
 * public docs leave open (the retrieve endpoint, ids as numbers or strings, unknown statuses) is
 * made here; error shapes are assumed in errors.ts. docs/architecture.md lists what to change.
 */

/** Cashii's statuses, wire spelling. */
export const CASHII_STATUSES = ['pending', 'paid', 'canceled', 'rejected', 'refunded'] as const;
export type CashiiStatus = (typeof CASHII_STATUSES)[number];

export interface CreateRemotePaymentParams {
  /** Smallest currency unit, a safe integer. */
  amount: number;
  currency: string;
  note?: string | null;
  metadata?: Record<string, unknown> | null;
  /** Only this Cashii account may pay. */
  payableTo?: string | null;
}

/** A Remote Payment as read from Cashii, with wire names mapped and ids kept as exact strings. */
export interface RemotePaymentSnapshot {
  id: string;
  amount: number | null;
  currency: string | null;
  note: string | null;
  metadata: Record<string, unknown> | null;
  /** A known status, or null when Cashii sent one we do not know (`rawStatus` keeps it). */
  status: CashiiStatus | null;
  rawStatus: string | null;
  from: string | null;
  to: string | null;
  payableTo: string | null;
}

export class WireFormatError extends Error {}

const PAYMENT_ID = /^\d{16}$/;

/**
 * The longest status string kept as Cashii sent it (what we store as `upstreamStatus`, and log). A
 * longer one is cut to this many characters, the last one an ellipsis; control characters (a NUL,
 * which PostgreSQL's text refuses) become U+FFFD. Whether the status is one we know is decided on
 * the string as sent. Without the bound, a long unknown status (which the contract says is no
 * error for the answer) failed the write on PostgreSQL and every read of the payment with it.
 */
export const RAW_STATUS_MAX_LENGTH = 32;
/** The longest account number (`from`, `to`, `payable_to`) an answer may carry; a longer one makes the answer malformed. */
export const ACCOUNT_MAX_DIGITS = 32;

/** The create body in Cashii's spelling (`payable_to`). Absent optional fields are left out. */
export function toCreateBody(params: CreateRemotePaymentParams): Record<string, unknown> {
  const body: Record<string, unknown> = { amount: params.amount, currency: params.currency };
  if (params.note != null) body.note = params.note;
  if (params.metadata != null) body.metadata = params.metadata;
  if (params.payableTo != null) body.payable_to = params.payableTo;
  return body;
}

/** Unwraps `{"data": {...}}`; anything else is a wire format error. */
export function unwrapData(json: unknown): Record<string, unknown> {
  if (!isObject(json) || !isObject(json.data)) throw new WireFormatError('response has no data object');
  return json.data;
}

/** The id of a created payment: exactly 16 digits, as a string. */
export function parseCreated(json: unknown): string {
  return parsePaymentId(unwrapData(json).id);
}

/** A retrieved payment; unknown extra fields are ignored, an unknown status is kept raw. */
export function parseSnapshot(json: unknown): RemotePaymentSnapshot {
  const data = unwrapData(json);
  const rawStatus = typeof data.status === 'string' ? data.status : null;
  const status = (CASHII_STATUSES as readonly string[]).includes(rawStatus ?? '') ? (rawStatus as CashiiStatus) : null;
  return {
    id: parsePaymentId(data.id),
    amount: data.amount == null ? null : parseAmount(data.amount),
    // Compared with the order's, and quoted in the review reason when it differs: bounded as a status is.
    currency: typeof data.currency === 'string' ? boundedText(data.currency) : null,
    note: typeof data.note === 'string' ? data.note : null,
    metadata: isObject(data.metadata) ? data.metadata : null,
    status,
    rawStatus: rawStatus === null ? null : boundedText(rawStatus),
    from: parseAccount(data.from, 'from'),
    to: parseAccount(data.to, 'to'),
    payableTo: parseAccount(data.payable_to, 'payable_to'),
  };
}

/**
 * Ids must stay exact. A JSON number above 2^53 - 1 has already been rounded by JSON.parse, so it
 * is rejected rather than stored wrong; a safe one is turned into its digits.
 */
export function parsePaymentId(value: unknown): string {
  const id = exactDigits(value);
  if (id === null || !PAYMENT_ID.test(id)) throw new WireFormatError('payment id is not 16 exact digits');
  return id;
}

function parseAccount(value: unknown, field: string): string | null {
  if (value == null || value === '') return null;
  const digits = exactDigits(value);
  if (digits === null) throw new WireFormatError(`${field} is not an exact account number`);
  if (digits.length > ACCOUNT_MAX_DIGITS) throw new WireFormatError(`${field} is longer than ${ACCOUNT_MAX_DIGITS} digits`);
  return digits;
}

/** `raw` as it may be kept or quoted: no control characters, at most RAW_STATUS_MAX_LENGTH characters (code points). */
function boundedText(raw: string): string {
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
  if (clean.length <= RAW_STATUS_MAX_LENGTH) return clean;
  const points = Array.from(clean);
  return points.length <= RAW_STATUS_MAX_LENGTH ? clean : `${points.slice(0, RAW_STATUS_MAX_LENGTH - 1).join('')}\u2026`;
}

function parseAmount(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new WireFormatError('amount is not a safe integer');
}

function exactDigits(value: unknown): string | null {
  if (typeof value === 'string') return /^\d+$/.test(value) ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
