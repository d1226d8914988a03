/**
 * Typed client for Cashii's Remote Payments API. Knows nothing about GraphQL or the database.
 * Every call has a deadline; GETs are retried (at most twice, jittered, honouring Retry-After);
 * the create POST is never retried because Cashii documents no idempotency. Redirects are never
 * followed: a 3xx is a bad answer.
 */
import { sleep } from '../common/clock';
import { type CircuitBreaker, CashiiCircuitOpenError } from './breaker';
import { type CashiiAnswer, CashiiTransport } from './transport';
import { CashiiBadResponseError, CashiiError, CashiiRateLimitedError, CashiiUnavailableError, errorForStatus } from './errors';
import {
  type CreateRemotePaymentParams,
  type RemotePaymentSnapshot,
  WireFormatError,
  parseCreated,
  parseSnapshot,
  parsePaymentId,
  toCreateBody,
} from './wire';

export interface CashiiClientOptions {
  /** e.g. `https://api.cashii.app`; paths under `/api/v1/` are appended. */
  baseUrl: string;
  apiKey: string;
  /** Deadline of one call in milliseconds, retries of a GET included. */
  timeoutMs: number;
  /** Retries of a GET after the first attempt. */
  maxRetries?: number;
  /** Base of the exponential backoff between GET attempts. */
  backoffBaseMs?: number;
  /** Longest Retry-After we are willing to wait inside one call. */
  maxRetryAfterMs?: number;
  /** Wraps every call (retries included); without one, calls always go out. */
  breaker?: CircuitBreaker;
  /** Told the outcome of every call, for metrics. */
  onCall?: (operation: 'create' | 'get', outcome: string, seconds: number) => void;
}

/** Network error codes that prove the request never reached Cashii. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class CashiiClient {
  private readonly apiBase: string;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly transport: CashiiTransport;

  constructor(private readonly options: CashiiClientOptions) {
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.transport = new CashiiTransport(options.baseUrl);
    this.maxRetries = options.maxRetries ?? 2;
    this.backoffBaseMs = options.backoffBaseMs ?? 100;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 2000;
  }

  /** Creates a Remote Payment and returns its 16-digit id. Sent once, never retried. */
  createRemotePayment(params: CreateRemotePaymentParams): Promise<string> {
    return this.guard('create', async () => {
      const deadline = Date.now() + this.options.timeoutMs;
      const text = await this.send('POST', '/remote-payments', deadline, JSON.stringify(toCreateBody(params)));
      return this.parse(text, parseCreated);
    });
  }

  /** Reads a Remote Payment's current attributes, retrying transient failures. */
  getRemotePayment(id: string): Promise<RemotePaymentSnapshot> {
    const safeId = parsePaymentId(id);
    return this.guard('get', () => this.getWithRetries(safeId));
  }

  private async guard<T>(operation: 'create' | 'get', call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const report = (outcome: string) => this.options.onCall?.(operation, outcome, (performance.now() - started) / 1000);
    try {
      const result = await (this.options.breaker ? this.options.breaker.run(call) : call());
      report('ok');
      return result;
    } catch (error) {
      report(error instanceof CashiiCircuitOpenError ? 'circuit_open' : error instanceof CashiiError ? error.kind : 'error');
      throw error;
    }
  }

  private async getWithRetries(safeId: string): Promise<RemotePaymentSnapshot> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const text = await this.send('GET', `/remote-payments/${safeId}`, deadline);
        return this.parse(text, parseSnapshot);
      } catch (error) {
        const wait = this.retryDelay(error, attempt, deadline);
        if (wait === null) throw error;
        await sleep(wait);
      }
    }
  }

  /** How long to wait before the next GET attempt, or null when it must not be retried. */
  private retryDelay(error: unknown, attempt: number, deadline: number): number | null {
    if (attempt >= this.maxRetries) return null;
    const transient = error instanceof CashiiUnavailableError || error instanceof CashiiRateLimitedError;
    if (!transient) return null;
    let wait = this.backoffBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
    if (error instanceof CashiiRateLimitedError && error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > this.maxRetryAfterMs) return null;
      wait = Math.max(wait, error.retryAfterMs);
    }
    // Leave the next attempt at least a little time before the deadline.
    return Date.now() + wait + 50 < deadline ? wait : null;
  }

  private async send(method: 'GET' | 'POST', path: string, deadline: number, body?: string): Promise<string> {
    let answer: CashiiAnswer;
    try {
      answer = await this.transport.send({
        method,
        url: new URL(`${this.apiBase}${path}`),
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
    } catch (error) {
      throw networkError(error);
    }
    const { status, text } = answer;
    // Cashii never redirects its API: a 3xx is a misconfigured URL or someone in between, and it is
    // never followed (a POST turned into a GET by a 302 would go to another host).
    if (status >= 300 && status <= 399) {
      // A bad answer with outcome "unknown", not "not created": a 302/303 after a POST is how a
      // server says "done, the result is over there", so Cashii (or a proxy) may have created the
      // payment. Marking it FAILED would invite a silent resend and a double payment.
      const location = answer.header('location') ?? '(none)';
      throw new CashiiBadResponseError(
        `Cashii answered with a redirect (HTTP ${status}), which is never followed`,
        status,
        `location: ${location.slice(0, 200)}; body: ${text.slice(0, 300)}`,
      );
    }
    if (status < 200 || status > 299) {
      throw errorForStatus(status, text, parseRetryAfter(answer.header('retry-after')));
    }
    return text;
  }

  /** Closes the idle connections to Cashii (shutdown). */
  close(): void {
    this.transport.close();
  }

  private parse<T>(text: string, parser: (json: unknown) => T): T {
    try {
      return parser(JSON.parse(text));
    } catch (error) {
      const reason = error instanceof WireFormatError ? error.message : 'body is not valid JSON';
      throw new CashiiBadResponseError(`Cashii sent an unusable answer: ${reason}`, undefined, text.slice(0, 500));
    }
  }
}

function networkError(error: unknown): CashiiError {
  if (error instanceof CashiiError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CashiiUnavailableError('Cashii did not answer in time', 'unknown');
  }
  const code = errorCode(error);
  const outcome = code !== undefined && NOT_SENT_CODES.has(code) ? 'not-created' : 'unknown';
  return new CashiiUnavailableError(`Cashii could not be reached (${code ?? 'network error'})`, outcome);
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
