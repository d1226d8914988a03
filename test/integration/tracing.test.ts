/**
 * OpenTelemetry as an operator switches it on: the real server process (src/main.ts, which loads
 * src/observability/tracing.ts first) with nothing but the standard OTEL_* variables, exporting
 * OTLP/HTTP JSON to a collector this test runs. In-process under Jest the instrumentations would
 * not see graphql or pg: Jest loads modules through its own require, which require-in-the-middle
 * never intercepts. Cashii is the simulator behind a recording proxy, to see the headers it gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';
import { DB_TARGETS, type DbTarget, POSTGRES_SKIP_REASON, type TestDatabase, createTestDatabase } from '../support/database';
import { tracingConfigured } from '../../src/observability/tracing';
import { type ServerProcess, spawnServer } from '../support/server-process';
import { CREATE, READ, TEST_AUDIENCE, TEST_CASHII_KEY, TEST_ISSUER, TEST_JWT_SECRET, mintToken, validInput } from '../support/stack';

/** A span as OTLP/HTTP JSON carries it (ids in hex, `kind` 2 = server, 3 = client). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpSpan['attributes'] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}
interface Received {
  span: OtlpSpan;
  scope: string;
  service: unknown;
}

const SERVER = 2;
const CLIENT = 3;

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** An OTLP/HTTP collector that keeps every span it is sent (JSON encoding only). */
async function startCollector(): Promise<{ url: string; spans: Received[]; contentTypes: string[]; server: http.Server }> {
  const spans: Received[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      contentTypes.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resource of body.resourceSpans ?? []) {
        const service = resource.resource?.attributes?.find((entry) => entry.key === 'service.name')?.value.stringValue;
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push({ span, scope: scope.scope?.name ?? '', service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return { url: await listen(server), spans, contentTypes, server };
}

/** Stands in front of the simulator and records what each request to Cashii carried. */
async function startRecordingProxy(
  target: string,
): Promise<{ url: string; requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>; server: http.Server }> {
  const requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return { url: await listen(server), requests, server };
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Bff {
  server: ServerProcess;
  graphqlUrl: string;
  gql(query: string, variables: Record<string, unknown>): Promise<{ data?: any; errors?: unknown[] }>;
  logLines(): Array<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

async function startBff(
  database: TestDatabase,
  cashiiUrl: string,
  simulator: RunningSimulator,
  otel: Record<string, string>,
): Promise<Bff> {
  const server = spawnServer({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    CASHII_API_KEY: TEST_CASHII_KEY,
    CASHII_API_BASE_URL: cashiiUrl,
    CASHII_PAYMENT_PAGE_URL: simulator.paymentPageUrl,
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    RECONCILER_ENABLED: 'false',
    LOG_LEVEL: 'debug',
    ...otel,
  });
  let graphqlUrl: string;
  try {
    graphqlUrl = await server.ready(30_000);
  } catch (error) {
    server.child.kill('SIGTERM');
    throw error;
  }
  const token = await mintToken('user-a');
  return {
    server,
    graphqlUrl,
    gql: async (query, variables) => {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: unknown[] };
    },
    logLines: () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      server.child.kill('SIGTERM');
      return server.exited;
    },
  };
}

describe.each(DB_TARGETS)('OpenTelemetry tracing on %s', (target: DbTarget) => {
  let simulator: RunningSimulator;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let database: TestDatabase;
  let bff: Bff | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
    proxy = await startRecordingProxy(simulator.url);
    collector = await startCollector();
    database = await createTestDatabase(target);
  });

  afterAll(async () => {
    if (bff && bff.server.child.exitCode === null) await bff.stop();
    await close(proxy?.server);
    await close(collector?.server);
    await simulator?.close();
    await database?.drop();
  });

  it('exports the operation span, the Cashii call span and sends Cashii the traceparent, set up by OTEL_* variables alone', async () => {
    bff = await startBff(database, proxy.url, simulator, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });

    const created = await bff.gql(CREATE, { input: validInput() });
    expect(created.errors).toBeUndefined();
    const id = created.data.createRemotePayment.id as string;
    const read = await bff.gql(READ, { id });
    expect(read.errors).toBeUndefined();

    // The operation: instrumentation-graphql's execute span, named `<type> <name>`.
    const createOp = await until('the Create operation span', () => collector.spans.find((r) => r.span.name === 'mutation Create'));
    expect(createOp.scope).toBe('@opentelemetry/instrumentation-graphql');
    expect(attribute(createOp.span, 'graphql.operation.type')).toBe('mutation');
    expect(attribute(createOp.span, 'graphql.operation.name')).toBe('Create');
    expect(createOp.service).toBe('cashii-bff');
    const readOp = await until('the Read operation span', () => collector.spans.find((r) => r.span.name === 'query Read'));
    expect(attribute(readOp.span, 'graphql.operation.name')).toBe('Read');
    // Variable values are never recorded.
    for (const { span } of collector.spans)
      expect(span.attributes?.some((entry) => entry.key.startsWith('graphql.variables.'))).toBe(false);

    const trace = createOp.span.traceId;
    const inTrace = () => collector.spans.filter((r) => r.span.traceId === trace);
    // The request the operation came in: instrumentation-http's server span, the root of the trace.
    const incoming = await until('the incoming request span', () => inTrace().find((r) => r.span.kind === SERVER));
    expect(incoming.scope).toBe('@opentelemetry/instrumentation-http');
    expect(incoming.span.parentSpanId ?? '').toBe('');
    expect(incoming.span.name).toMatch(/^POST\b/);

    // The create sent to Cashii: an HTTP client span in the same trace, under the operation.
    const createAtCashii = proxy.requests.find((request) => request.method === 'POST');
    expect(createAtCashii).toBeDefined();
    const cashiiPort = new URL(proxy.url).port;
    const cashiiCall = await until('the Cashii create span', () =>
      inTrace().find((r) => r.span.kind === CLIENT && r.scope === '@opentelemetry/instrumentation-http'),
    );
    expect(JSON.stringify(cashiiCall.span.attributes)).toContain(cashiiPort);
    const byId = new Map(collector.spans.map((r) => [r.span.spanId, r.span]));
    const ancestors: string[] = [];
    for (let parent = cashiiCall.span.parentSpanId; parent; parent = byId.get(parent)?.parentSpanId) ancestors.push(parent);
    expect(ancestors).toContain(createOp.span.spanId);
    expect(ancestors[ancestors.length - 1]).toBe(incoming.span.spanId);
    // The root field's resolver is where the work happens: its span, not one per field of the answer.
    expect(ancestors.map((spanId) => byId.get(spanId)?.name)).toContain('graphql.resolve createRemotePayment');
    expect(collector.spans.filter((r) => r.span.name.startsWith('graphql.resolve createRemotePayment.'))).toEqual([]);
    // Every trace starts at a request served or a call made (none at the schema's parsing at start).
    const roots = collector.spans.filter((r) => !r.span.parentSpanId);
    expect(roots.filter((r) => r.span.kind !== SERVER && r.span.kind !== CLIENT).map((r) => r.span.name)).toEqual([]);

    // Cashii got the W3C traceparent of that very call: same trace, the client span as parent.
    expect(createAtCashii!.headers.traceparent).toBe(`00-${trace}-${cashiiCall.span.spanId}-01`);
    // No span for the exporter's own requests to the collector.
    expect(collector.spans.filter((r) => JSON.stringify(r.span.attributes).includes(new URL(collector.url).port))).toEqual([]);
    expect(collector.contentTypes.every((line) => line === 'POST /v1/traces application/json')).toBe(true);

    // The statements of the create on PostgreSQL, in its trace (SQLite has no instrumentation).
    if (target === 'postgres') {
      const statements = inTrace().filter((r) => r.scope === '@opentelemetry/instrumentation-pg');
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.every((r) => attribute(r.span, 'db.system.name') === 'postgresql')).toBe(true);
    }

    // Log lines written while serving it carry its trace (src/logger.ts).
    const traced = bff.logLines().filter((line) => line.trace_id === trace);
    expect(traced.length).toBeGreaterThan(0);
    expect(traced.every((line) => typeof line.span_id === 'string' && line.trace_flags === '01')).toBe(true);

    // SIGTERM flushes what is still buffered and exits 0.
    expect(await bff.stop()).toBe(0);
  });

  if (target === 'sqlite') {
    it('is off without an exporter configured: no traceparent to Cashii, no trace ids in the logs', async () => {
      const before = proxy.requests.length;
      const quiet = await startBff(database, proxy.url, simulator, { OTEL_SERVICE_NAME: 'cashii-bff', OTEL_BSP_SCHEDULE_DELAY: '100' });
      try {
        const created = await quiet.gql(CREATE, { input: validInput() });
        expect(created.errors).toBeUndefined();
        const sent = proxy.requests.slice(before).filter((request) => request.method === 'POST');
        expect(sent).toHaveLength(1);
        expect(sent[0].headers.traceparent).toBeUndefined();
        expect(quiet.logLines().filter((line) => 'trace_id' in line)).toEqual([]);
      } finally {
        expect(await quiet.stop()).toBe(0);
      }
    });
  }
});

if (POSTGRES_SKIP_REASON) describe.skip(`OpenTelemetry tracing on ${POSTGRES_SKIP_REASON}`, () => it('is skipped', () => undefined));

describe('when tracing starts', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_SERVICE_NAME: 'cashii-bff', OTEL_PROPAGATORS: 'tracecontext' }, false],
  ])('%j: %s', (env, on) => {
    expect(tracingConfigured(env)).toBe(on);
  });
});
