/**
 * The HTTP edge: a plain node:http server (no framework cost per request) that serves Apollo at
 * `/graphql` and health checks (`/livez`, `/readyz`), with a request body limit. `/graphql` answers CORS
 * preflights, resolves persisted documents, and answers everything it refuses itself as a coded
 * GraphQL response in the media type the client accepted (./error-response.ts). It never parses a
 * document: parsing, validation, CSRF prevention and the operation's rules are Apollo's and its
 * plugins' (docs/architecture.md says why the body is read here).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { bearerChallenge } from '../auth/challenge';
import type { ErrorCode } from '../common/error-codes';
import type { BffApolloServer } from '../graphql/apollo';
import { codeOf } from '../graphql/operation-record';
import type { GraphQLContext } from '../graphql/context';
import type { Logger } from '../logger';
import type { TrustedDocuments } from '../graphql/trusted-documents';
import type { Metrics } from '../observability/metrics';
import { type RequestScope, currentRequest, noteOperationName, requestIdFrom, runInRequest } from '../observability/request-scope';
import type { CorsPolicy } from './cors';
import { graphQLErrorBody, mediaTypeFor } from './error-response';

export interface HttpServerOptions {
  apollo: BffApolloServer;
  /** Who is asking; rejects (with Apollo's UNAUTHENTICATED answer as its error) when the credentials are refused. */
  viewerOf: (req: IncomingMessage) => Promise<GraphQLContext['viewer']>;
  context: (viewer: GraphQLContext['viewer'], req: IncomingMessage) => GraphQLContext;
  /** Whether this instance should get traffic: writes commit, migrations applied, not draining. */
  ready: () => Promise<Readiness>;
  metrics: Metrics;
  trusted: TrustedDocuments;
  cors: CorsPolicy;
  /** Bearer token that /metrics requires, if any. */
  metricsToken: string | null;
  bodyLimitBytes: number;
  log: Logger;
}

/** The answer of /readyz: `reason` says what keeps the instance out of traffic. */
export interface Readiness {
  ready: boolean;
  reason?: string;
  [detail: string]: unknown;
}

/** Routes with their own metric label; everything else is counted as `other`. */
const ROUTES = new Set(['/graphql', '/livez', '/readyz', '/healthz', '/metrics']);

/** Refuses malformed UTF-8 instead of turning it into U+FFFD; a BOM is kept, so JSON.parse still refuses it as before. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How long the rest of a refused body is read and thrown away, so a client still sending it gets the answer. */
const DISCARD_MS = 5_000;

/** A batch larger than this is refused with one error instead of one per operation (no amplification). */
const MAX_BATCH_ANSWERS = 50;

/** Content types a browser may POST across origins without a preflight: Apollo's CSRF prevention refuses them. */
const CSRF_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
/** Headers that prove a preflight happened (Apollo's csrfPrevention default). */
const CSRF_PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: ErrorCode,
  ) {
    super(message);
  }
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer((req, res) => {
    const started = performance.now();
    const route = ROUTES.has(pathOf(req.url)) ? pathOf(req.url) : 'other';
    // Every line logged for this request carries its id (src/logger.ts), and the answer names it.
    const scope: RequestScope = { requestId: requestIdFrom(req.headers['x-request-id']) };
    res.setHeader('x-request-id', scope.requestId);
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      options.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      options.metrics.httpDuration.observe({ route }, seconds);
      const operation = scope.operation;
      if (operation === undefined) return;
      options.metrics.countOperation(operation);
      if (!options.log.isLevelEnabled('debug')) return;
      runInRequest(scope, () =>
        options.log.debug(
          { status: res.statusCode, outcome: operation.outcome, codes: operation.codes, seconds },
          'graphql request answered',
        ),
      );
    });
    void runInRequest(scope, () =>
      handle(options, req, res).catch((error: unknown) => {
        if (error instanceof HttpError) return sendError(res, error.status, error.message, error.code);
        options.log.error({ err: error }, 'unhandled error in the HTTP layer');
        sendError(res, 500, 'Internal server error');
      }),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost === '0.0.0.0' ? 'localhost' : shownHost}:${address.port}`;
}

async function handle(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/livez') return sendStatus(res, { ready: true });
  if (url.pathname === '/readyz' || url.pathname === '/healthz') {
    const readiness = await options.ready().catch((): Readiness => ({ ready: false, reason: 'the readiness check failed' }));
    return sendStatus(res, readiness);
  }
  if (url.pathname === '/metrics') {
    if (options.metricsToken !== null && req.headers.authorization !== `Bearer ${options.metricsToken}`) {
      const message = 'Metrics need the metrics token';
      return sendError(res, 401, message, 'UNAUTHENTICATED', {
        headers: { 'www-authenticate': bearerChallenge(req.headers.authorization, message, 'metrics') },
      });
    }
    const body = await options.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
    return;
  }
  if (url.pathname !== '/graphql') return sendError(res, 404, 'Not found');

  options.cors.applyTo(req, res);
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS') return options.cors.answerPreflight(req, res);
  if (method !== 'GET' && method !== 'POST') {
    return sendError(res, 405, `${method} is not allowed: send GraphQL requests with POST (or GET for queries)`, 'METHOD_NOT_ALLOWED', {
      headers: { allow: 'GET, POST, OPTIONS' },
    });
  }
  let body: unknown;
  if (method === 'POST') {
    const sent = await readJsonBody(req, options.bodyLimitBytes);
    if (Array.isArray(sent)) {
      // One refusal per operation (up to a bound), so Apollo's BatchHttpLink hands each operation its code.
      const batchOf = sent.length > 0 && sent.length <= MAX_BATCH_ANSWERS ? sent.length : undefined;
      return sendError(res, 400, 'Batched requests are not accepted: send one operation per request', 'BAD_REQUEST', { batchOf });
    }
    const persisted = options.trusted.resolve(sent);
    if (!persisted.ok) return sendError(res, persisted.status, persisted.message, persisted.code);
    body = persisted.body;
    noteRequestedOperation(body);
  } else if (['query', 'extensions', 'documentId'].some((name) => url.searchParams.has(name))) {
    const request = searchAsBody(url.searchParams);
    const persisted = options.trusted.resolve(request);
    if (!persisted.ok) return sendError(res, persisted.status, persisted.message, persisted.code);
    applyToSearch(url.searchParams, request, persisted.body as SearchBody);
    noteRequestedOperation({ query: url.searchParams.get('query'), operationName: url.searchParams.get('operationName') });
  }
  // Authentication runs once, here; a refusal reaches the client through Apollo (its context rejects).
  const viewer = await options.viewerOf(req).then(
    (found) => ({ found }),
    (error: Error) => ({ error }),
  );
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: url.search, body };
  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: () =>
      'found' in viewer ? Promise.resolve(options.context(viewer.found, req)) : Promise.reject(challenged(viewer.error, req)),
  });
  if (result.status !== undefined && result.status >= 400) noteApolloRefusal(result.body);
  if (result.body.kind === 'complete') return sendAnswer(res, result.status ?? 200, result.headers, result.body.string);
  res.statusCode = result.status ?? 200;
  for (const [key, value] of result.headers) res.setHeader(key, key === 'vary' ? mergeVary(res.getHeader('vary'), value) : value);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The viewer's refusal as Apollo answers it, with the `WWW-Authenticate` challenge every 401 carries
 * (RFC 6750: `error="invalid_token"` when a bearer token was sent and refused).
 */
function challenged(error: Error, req: IncomingMessage): Error {
  if (!(error instanceof GraphQLError) || error.extensions.code !== 'UNAUTHENTICATED') return error;
  const challenge = bearerChallenge(req.headers.authorization, error.message);
  // Apollo sends `extensions.http` as the answer's status and headers, and leaves it out of the body.
  const extensions: Record<string, unknown> = {
    ...error.extensions,
    http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) },
  };
  return new GraphQLError(error.message, { extensions });
}

/**
 * An answer Apollo refused before any plugin saw an operation (CSRF prevention, a malformed GET): its
 * codes are read back from the body, which is small, and the request is counted as `other`.
 */
function noteApolloRefusal(body: { kind: string; string?: string }): void {
  const scope = currentRequest();
  if (!scope || scope.operation || body.kind !== 'complete' || body.string === undefined) return;
  let codes: string[] = ['UNKNOWN'];
  try {
    const { errors } = JSON.parse(body.string) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    if (Array.isArray(errors)) codes = errors.map(codeOf);
  } catch {
    // not JSON: counted with the code UNKNOWN
  }
  scope.operation = { operation: 'other', outcome: 'error', codes };
}

/** A complete answer; a known length spares chunked encoding, so headers and body leave in one write. */
function sendAnswer(res: ServerResponse, status: number, headers: Iterable<[string, string]>, body: string): void {
  res.statusCode = status;
  for (const [key, value] of headers) res.setHeader(key, key === 'vary' ? mergeVary(res.getHeader('vary'), value) : value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

function mergeVary(current: ReturnType<ServerResponse['getHeader']>, added: string): string {
  return current === undefined ? added : `${String(current)}, ${added}`;
}

/**
 * Reads at most `limit` bytes of an `application/json` body and parses it. Any other content type
 * is 415, except one that Apollo's CSRF prevention refuses (a form or text/plain without a
 * preflight header): that is left to Apollo, unread, so CSRF answers stay Apollo's.
 */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body is larger than ${limit} bytes`);
  const type = mediaTypeOf(req.headers['content-type']);
  if (type !== 'application/json') {
    if (csrfRefuses(req, type)) return undefined;
    const sent = type === null ? 'no content-type' : `content-type ${type}`;
    throw new HttpError(415, `Send the request body as application/json (got ${sent})`, 'UNSUPPORTED_MEDIA_TYPE');
  }
  const text = await readText(req, limit);
  if (text.trim() === '') throw new HttpError(400, 'Request body is empty: send a JSON object with a query or a documentId');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}

/** `Application/JSON; charset=utf-8` -> `application/json`; null when there is none. */
function mediaTypeOf(contentType: string | undefined): string | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type ? type : null;
}

/** The rule of Apollo's csrfPrevention: a content type a form can send, and no preflight header. */
function csrfRefuses(req: IncomingMessage, type: string | null): boolean {
  if (type !== null && !CSRF_CONTENT_TYPES.includes(type)) return false;
  return !CSRF_PREFLIGHT_HEADERS.some((name) => (req.headers[name]?.length ?? 0) > 0);
}

/** The body as text, at most `limit` bytes (plain events: cheaper than an async iterator per request). */
function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      try {
        resolve(UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'Request body is not valid UTF-8'));
      }
    });
    req.once('error', reject);
  });
}

/**
 * The operation a request asks for, for its log lines (and its metrics when Apollo refuses it before
 * resolving one): its `operationName`, else the name its document starts with, read without parsing.
 * Apollo's plugin replaces it with the operation it resolves (src/graphql/operation-record.ts).
 */
function noteRequestedOperation(body: unknown): void {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  const leading = typeof query === 'string' ? /^\s*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/.exec(query)?.[1] : undefined;
  noteOperationName(currentRequest(), typeof operationName === 'string' && operationName !== '' ? operationName : leading);
}

function pathOf(url: string | undefined): string {
  const end = url?.indexOf('?') ?? -1;
  return (end >= 0 ? url!.slice(0, end) : url) ?? '/';
}

function sendStatus(res: ServerResponse, { ready, ...details }: Readiness): void {
  res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: ready ? 'ok' : 'unavailable', ...details }));
}

type SearchBody = { query?: unknown; documentId?: unknown; extensions?: unknown };

/** A GET request's parameters in the shape of a POST body (for the persisted-document check). */
function searchAsBody(params: URLSearchParams): SearchBody {
  let extensions: unknown;
  try {
    extensions = JSON.parse(params.get('extensions') ?? 'null') ?? undefined;
  } catch {
    extensions = undefined; // Apollo answers the malformed parameter itself
  }
  return { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
}

/** Writes a resolved persisted document back into a GET's parameters, where Apollo reads them. */
function applyToSearch(params: URLSearchParams, sent: SearchBody, resolved: SearchBody): void {
  if (typeof resolved.query === 'string') params.set('query', resolved.query);
  params.delete('documentId');
  if (resolved.extensions === sent.extensions) return;
  const extensions = resolved.extensions as Record<string, unknown> | undefined;
  if (extensions === undefined || Object.keys(extensions).length === 0) params.delete('extensions');
  else params.set('extensions', JSON.stringify(extensions));
}

interface ErrorOptions {
  headers?: Record<string, string>;
  /** Answer a batch of this many operations: one refusal each, as batching clients expect. */
  batchOf?: number;
}

function sendError(res: ServerResponse, status: number, message: string, errorCode?: ErrorCode, options: ErrorOptions = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const code =
    errorCode ??
    (status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 400 ? 'BAD_REQUEST' : status === 404 ? 'NOT_FOUND' : 'INTERNAL_SERVER_ERROR');
  // A refusal of /graphql is a GraphQL answer too: counted with the operations (before any document is trusted: `other`).
  const scope = currentRequest();
  if (scope && !scope.operation && pathOf(res.req.url) === '/graphql')
    scope.operation = { operation: 'other', outcome: 'error', codes: [code] };
  const single = graphQLErrorBody(message, code);
  const body = options.batchOf === undefined ? single : `[${new Array<string>(options.batchOf).fill(single).join(',')}]`;
  // An unread body (too large, or of a type never read) is not waited for: the connection closes after it.
  const closing = status === 413 || (status === 415 && !res.req.complete);
  res.writeHead(status, {
    ...options.headers,
    'content-type': mediaTypeFor(res.req.headers.accept),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: closing ? 'close' : 'keep-alive',
  });
  if (closing && !res.req.complete) return endAfterDiscarding(res, body);
  res.end(body);
}

/**
 * Sends `body` at once but ends the response, which closes the connection, only when the client
 * has stopped sending or after DISCARD_MS. A socket closed while request bytes still arrive
 * answers them with a reset, and a client busy writing then sees EPIPE instead of the answer.
 */
function endAfterDiscarding(res: ServerResponse, body: string): void {
  const end = () => {
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(end, DISCARD_MS).unref();
  res.once('close', () => clearTimeout(timer));
  res.req.once('end', end);
  res.req.resume();
  res.write(body);
}
