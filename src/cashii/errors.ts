/**
 * One error class per way a Cashii call can fail. Messages never carry the upstream body or the
 * API key: the body is kept on `detail` for redacted server-side logs only.
 */

/** Whether a create request may have reached Cashii and created a payment. */
export type CreateOutcome = 'not-created' | 'unknown';

export abstract class CashiiError extends Error {
  /** Short machine name of the failure kind, for logs and metrics. */
  abstract readonly kind: string;
  /** Whether a later retry of the same call can succeed. */
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    /** HTTP status Cashii answered with, if it answered. */
    readonly httpStatus?: number,
    /** Upstream detail for server logs only (truncated body); never shown to clients. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** For a create: did Cashii possibly create the payment? Overridden where it may have. */
  get createOutcome(): CreateOutcome {
    return 'not-created';
  }
}

/** 401: the API key is wrong or revoked. A configuration fault: alert, never retry. */
export class CashiiAuthenticationError extends CashiiError {
  readonly kind = 'authentication';
  readonly retryable = false;
}

/** 403: the key lacks the "Manage Remote Payments" permission. A configuration fault. */
export class CashiiPermissionError extends CashiiError {
  readonly kind = 'permission';
  readonly retryable = false;
}

/** 400/422: Cashii refused the request as invalid. */
export class CashiiInvalidRequestError extends CashiiError {
  readonly kind = 'invalid_request';
  readonly retryable = false;
}

/** 404: no such Remote Payment. */
export class CashiiNotFoundError extends CashiiError {
  readonly kind = 'not_found';
  readonly retryable = false;
}

/** 429: Cashii is rate limiting us; `retryAfterMs` comes from `Retry-After` when given. */
export class CashiiRateLimitedError extends CashiiError {
  readonly kind = 'rate_limited';
  readonly retryable = true;

  constructor(
    message: string,
    httpStatus: number,
    detail: string | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(message, httpStatus, detail);
  }
}

/**
 * Cashii could not be reached or failed (5xx, timeout, connection refused or reset).
 * `outcome` says whether a create may have been carried out before the failure.
 */
export class CashiiUnavailableError extends CashiiError {
  readonly kind = 'unavailable';
  readonly retryable = true;

  constructor(
    message: string,
    readonly outcome: CreateOutcome,
    httpStatus?: number,
    detail?: string,
  ) {
    super(message, httpStatus, detail);
  }

  override get createOutcome(): CreateOutcome {
    return this.outcome;
  }
}

/** Cashii answered 2xx with a body we cannot trust (not JSON, truncated, wrong shape, lossy id). */
export class CashiiBadResponseError extends CashiiError {
  readonly kind = 'bad_response';
  readonly retryable = true;

  override get createOutcome(): CreateOutcome {
    return 'unknown';
  }
}

/** Maps a non-2xx answer to its error class. `sent` bodies are cut to 500 characters for logs. */
export function errorForStatus(status: number, body: string, retryAfterMs: number | undefined): CashiiError {
  const detail = body.slice(0, 500);
  if (status === 401) return new CashiiAuthenticationError('Cashii rejected the API key', status, detail);
  if (status === 403) return new CashiiPermissionError('The Cashii API key lacks permission', status, detail);
  if (status === 404) return new CashiiNotFoundError('Cashii has no such payment', status, detail);
  if (status === 429) return new CashiiRateLimitedError('Cashii is rate limiting requests', status, detail, retryAfterMs);
  if (status >= 500) return new CashiiUnavailableError(`Cashii failed with HTTP ${status}`, 'unknown', status, detail);
  return new CashiiInvalidRequestError(`Cashii refused the request with HTTP ${status}`, status, detail);
}
