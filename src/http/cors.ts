/**
 * CORS for `/graphql`: which web pages on other origins may call the API from a browser, and the
 * same rule for the WebSocket's `Origin` (browsers apply no CORS to WebSockets, so the server must).
 * Nothing is refused here over HTTP: a page on another origin simply gets no CORS headers, and the
 * browser then keeps the answer from it. CSRF prevention (Apollo's) stays on regardless.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from '../config';

/**
 * Request headers a page may send: what Apollo Client 4 and urql send (their `accept`, Apollo's
 * client-awareness headers), Apollo Server's CSRF-prevention headers, and what tracing adds to
 * every fetch (OpenTelemetry-web's W3C trace context and baggage, Sentry's `sentry-trace`, a
 * request id): a preflight that leaves out one of these makes the browser fail the request.
 * CORS_ALLOWED_HEADERS adds more.
 */
export const DEFAULT_ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'traceparent',
  'tracestate',
  'baggage',
  'sentry-trace',
  'x-request-id',
];
/** Response headers a page may read besides the CORS-safelisted ones: the request id to quote in a bug report. */
const EXPOSED_HEADERS = 'x-request-id';
/** The development authenticator's headers (src/auth/authenticator.ts), allowed only in development mode. */
const DEV_HEADERS = ['x-dev-user', 'x-dev-operator'];
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly allowedHeaders: string;

  constructor(
    private readonly options: CorsConfig,
    /** Development auth: its headers (`x-dev-user`, `x-dev-operator`) are allowed too. */
    devUsers: boolean,
  ) {
    this.origins = new Set(options.allowedOrigins);
    const headers = [...DEFAULT_ALLOWED_HEADERS, ...options.allowedHeaders, ...(devUsers ? DEV_HEADERS : [])];
    this.allowedHeaders = [...new Set(headers.map((name) => name.toLowerCase()))].join(', ');
  }

  /** Whether a page on `origin` may read answers from /graphql. */
  allows(origin: string): boolean {
    return this.options.allowAnyOrigin || this.origins.has(origin) || (this.options.allowLocalhost && LOCALHOST.test(origin));
  }

  /**
   * Whether a WebSocket upgrade may proceed: no `Origin` (not a browser: apps, servers, tests), the
   * page's own origin (same host and port as the request, e.g. an IDE the BFF serves), or an allowed one.
   */
  allowsWebSocket(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.allows(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  /** The CORS headers of an answer from /graphql (set before the status line is written). */
  applyTo(req: IncomingMessage, res: ServerResponse): void {
    // The answer depends on Origin whether or not it is allowed: shared caches must keep them apart.
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !this.allows(origin)) return;
    res.setHeader('access-control-allow-origin', this.options.allowAnyOrigin ? '*' : origin);
    if (this.options.allowCredentials) res.setHeader('access-control-allow-credentials', 'true');
    // Read by the page from an answer (a preflight's own headers are read by the browser only).
    if (req.method !== 'OPTIONS') res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }

  /**
   * Answers `OPTIONS /graphql`: 204, with the permissions when the origin is allowed, and without
   * them otherwise (the browser then refuses the request it was checking). `applyTo` ran already.
   */
  answerPreflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    res.setHeader('allow', ALLOWED_METHODS);
    if (origin !== undefined && this.allows(origin) && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', this.allowedHeaders);
      res.setHeader('access-control-max-age', String(this.options.maxAgeSeconds));
    }
    res.writeHead(204);
    res.end();
  }
}
