/**
 * OpenTelemetry traces: the official Node SDK with three instrumentations, the HTTP one (each
 * request the BFF serves, and each call to Cashii over node:http, which carries `traceparent` so
 * Cashii's side joins the trace), the GraphQL one (parse, validate and execute of each operation,
 * `graphql.execute` named `<type> <name>`, e.g. `mutation Create`) and the pg one (each SQL
 * statement on PostgreSQL made while serving a request).
 *
 * Off by default. It starts when this module loads (src/main.ts imports it before anything else,
 * since the instrumentations patch `http`, `pg` and `graphql` as they are loaded; `node --require`
 * of this file does the same) and only when an exporter is configured: `OTEL_TRACES_EXPORTER`
 * (other than `none`), `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and
 * `OTEL_SDK_DISABLED` is not true. Everything else (protocol, headers, sampler, batching, resource
 * attributes, propagators) the SDK reads from the standard `OTEL_*` variables itself. Traces only:
 * metrics stay on /metrics (Prometheus) and logs on stdout (pino, which writes the active span's
 * `trace_id`/`span_id` on each line, see src/logger.ts).
 */
import { SpanKind, TraceFlags, isSpanContextValid, trace } from '@opentelemetry/api';
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/** Paths of probes and scrapes: polled every few seconds, a span each would drown the traces. */
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/healthz', '/metrics']);

/** How long shutdown waits for the last spans to be exported before the process exits anyway. */
const FLUSH_TIMEOUT_MS = 5_000;

/** The `OTEL_*` variables this module reads to decide whether to start (the SDK reads the rest). */
export type TracingEnv = Readonly<Record<string, string | undefined>>;

/** Whether these variables switch tracing on: an exporter is configured and the SDK is not disabled. */
export function tracingConfigured(env: TracingEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.length > 0) return !exporters.includes('none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * The SDK's default sampler (parent-based, always on) minus the traces that would start with an
 * internal span: at start the BFF parses its schema and trusted documents and runs an
 * introspection, and each of those would be a one-span trace of `graphql.parse` and the like.
 * Traces start at a request served (server span) or a call made on no request's behalf (the
 * reconciler's calls to Cashii). Used only while OTEL_TRACES_SAMPLER is unset.
 */
function requestSampler(
  decisions: typeof import('@opentelemetry/sdk-node').tracing.SamplingDecision,
): NonNullable<NodeSDKConfiguration['sampler']> {
  return {
    shouldSample(context, _traceId, _name, kind) {
      const parent = trace.getSpanContext(context);
      const sampled = parent && isSpanContextValid(parent) ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : kind !== SpanKind.INTERNAL;
      return { decision: sampled ? decisions.RECORD_AND_SAMPLED : decisions.NOT_RECORD };
    },
    toString: () => 'ParentBased{root=AlwaysOn except internal spans}',
  };
}

let running: NodeSDK | undefined;

/**
 * Starts the SDK (once per process; a second call returns the running one). `overrides` replace
 * what the `OTEL_*` variables would give, e.g. `{ traceExporter }` for an in-memory exporter in
 * a test; they must be given before `http`, `pg` and `graphql` are loaded to see them.
 */
export function startTracing(overrides: Partial<NodeSDKConfiguration> = {}): NodeSDK {
  if (running) return running;
  // Loaded here, not at the top: the SDK with its exporters and instrumentations is about 450 modules
  // (7 MiB of heap, measured in BENCHMARKS.md) that a BFF without an exporter configured never runs.
  // Synchronously, because the instrumentations must patch http, pg and graphql before those load.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK, resources, tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    // Named `cashii-bff` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise
    // (the SDK's environment detector is merged over this).
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': 'cashii-bff' })),
    // Traces only, whatever OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER say (their default is otlp).
    metricReaders: [],
    logRecordProcessors: [],
    ...(process.env.OTEL_TRACES_SAMPLER ? {} : { sampler: requestSampler(tracing.SamplingDecision) }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
      }),
      // parse, validate, execute, and one resolve span per root field (the one that does the work;
      // type-graphql wraps every field, so deeper ones would be a span per field of the answer).
      // Variable values are never recorded (`allowValues` stays false), literals in the source are masked.
      new GraphQLInstrumentation({ depth: 1, mergeItems: true }),
      // Statements made for a request or a Cashii call, not the reconciler's polling of its queue.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
    ...overrides,
  });
  sdk.start();
  running = sdk;
  return sdk;
}

/** Exports the spans still buffered and stops the SDK; waits at most `timeoutMs`, never throws. */
export async function stopTracing(timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
  const sdk = running;
  running = undefined;
  if (!sdk) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([sdk.shutdown().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// The one place outside src/config/ that reads process.env, and only OTEL_* variables, which are
// the SDK's own (standard, read by every OpenTelemetry SDK), not settings of this BFF.
if (tracingConfigured(process.env)) startTracing();
