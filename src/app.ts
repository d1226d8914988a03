/**
 * Wires the BFF together: the simulator (when configured), the database, the Cashii client with
 * its circuit breaker, the payment services and reconciler, the schema, Apollo and the HTTP
 * server. `startApp` is what `main.ts` and the integration tests run.
 */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { DataSource } from 'typeorm';
import { CashiiClient, CircuitBreaker } from './cashii';
import type { Config } from './config';
import { Database } from './db/database';
import { openDatabase } from './db/data-source';
import type { GraphQLContext, Viewer } from './graphql/context';
import { createErrorFormatter } from './graphql/format-error';
import { buildAppSchema } from './graphql/schema';
import { createValidator } from './graphql/validation';
import { createHttpServer, listen } from './http/server';
import { attachSubscriptions } from './http/subscriptions';
import { LocalStatusBus, PostgresStatusBus } from './payments/status-bus';
import { AuthenticationFailed, Authenticator } from './auth/authenticator';
import type { Logger } from './logger';
import { Metrics } from './observability/metrics';
import { PaymentCreator } from './payments/payment-creation';
import { PaymentPolicy } from './payments/payment-policy';
import { PaymentSync } from './payments/payment-sync';
import { createPaymentLoaders } from './payments/payment.loader';
import { PaymentRepository } from './payments/payment.repository';
import { PaymentService } from './payments/payment.service';
import { Reconciler } from './payments/reconciler';
import { CreatePaymentLimits, MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from './rate-limit/rate-limiter';
import { type RunningSimulator, startSimulator } from './sandbox/simulator';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { operationLimitRule } from './graphql/limits';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from './graphql/sandbox-example';
import { TrustedDocuments } from './graphql/trusted-documents';

export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly dataSource: DataSource;
  readonly simulator: RunningSimulator | null;
  readonly reconciler: Reconciler;
  readonly breaker: CircuitBreaker;
  /** Graceful stop: not ready, no new connections, in-flight requests finish (up to the grace period). */
  close(): Promise<void>;
}

export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const simulator = config.simulator.enabled ? await startSimulator({ port: config.simulator.port }) : null;
  const cashiiConfig = simulator
    ? { ...config.cashii, apiBaseUrl: simulator.url, paymentPageUrl: simulator.paymentPageUrl, apiKey: simulator.apiKey }
    : config.cashii;
  if (simulator) {
    log.warn(
      `No Cashii API key is configured, so the built-in Cashii simulator is running at ${simulator.url} and no real money moves. ` +
        'Set CASHII_API_KEY to use Cashii.',
    );
  }

  let dataSource: DataSource;
  try {
    dataSource = await openDatabase(config.database);
  } catch (error) {
    await simulator?.close();
    throw error;
  }

  const metrics = new Metrics();
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onStateChange: (state) => {
      metrics.setBreakerState(state);
      log.warn({ state }, `Cashii circuit breaker is now ${state}`);
    },
  });
  const cashii = new CashiiClient({
    baseUrl: cashiiConfig.apiBaseUrl,
    apiKey: cashiiConfig.apiKey,
    timeoutMs: cashiiConfig.timeoutMs,
    breaker,
    onCall: (operation, outcome, seconds) => {
      metrics.cashiiCalls.inc({ operation, outcome });
      metrics.cashiiDuration.observe({ operation }, seconds);
    },
  });
  const repository = new PaymentRepository(new Database(dataSource));
  const sync = new PaymentSync(repository, cashii, log);
  const bus = config.database.kind === 'postgres' ? new PostgresStatusBus(config.database.url, log) : new LocalStatusBus();
  if (bus instanceof PostgresStatusBus) await bus.start();
  sync.onTransition((record, from, to, source) => {
    metrics.transitions.inc({ from, to, source });
    if (record.cashiiId) bus.publish(record.cashiiId);
  });
  const creator = new PaymentCreator(
    repository,
    cashii,
    // Scheduled even with the reconciler off here: another replica (or a later start) may run it.
    { cashiiTimeoutMs: cashiiConfig.timeoutMs, firstCheckDelayMs: config.reconciler.baseDelayMs },
    log,
  );
  const payments = new PaymentService(
    repository,
    creator,
    sync,
    bus,
    {
      paymentPageUrl: cashiiConfig.paymentPageUrl,
      statusTtlMs: config.payments.statusTtlMs,
      paidStatusTtlMs: config.payments.paidStatusTtlMs,
    },
    log,
  );
  const reconciler = new Reconciler(
    repository,
    sync,
    { ...config.reconciler, cashiiTimeoutMs: cashiiConfig.timeoutMs },
    log,
    (report, backlog) => {
      metrics.reconcilerBacklog.set(backlog);
      metrics.reconcilerChecks.inc({ result: 'changed' }, report.changed);
      metrics.reconcilerChecks.inc({ result: 'unchanged' }, report.claimed - report.changed - report.unreachable - report.stale);
      metrics.reconcilerChecks.inc({ result: 'unreachable' }, report.unreachable);
      metrics.reconcilerChecks.inc({ result: 'stale' }, report.stale);
    },
  );

  const authenticator = new Authenticator(config.auth);
  const limiter = new RateLimiter(
    config.rateLimit.redisUrl ? new RedisRateLimitStore(config.rateLimit.redisUrl) : new MemoryRateLimitStore(),
    log,
  );
  const createLimits = new CreatePaymentLimits(limiter, config.rateLimit);
  if (config.auth.mode === 'dev') {
    log.warn('Development authentication: requests act as a local user, or as the user named in X-Dev-User. Never in production.');
  }

  const schema = await buildAppSchema(createValidator(new PaymentPolicy(config.payments, config.production)));
  const formatError = createErrorFormatter(log);
  const validationRules = [operationLimitRule(config.graphql)];
  const contextFor = (viewer: Viewer, req: IncomingMessage): GraphQLContext => ({
    viewer,
    clientAddress: clientAddress(req, config.rateLimit.trustProxy),
    payments,
    createLimits,
    loaders: createPaymentLoaders(repository),
  });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: config.graphql.introspection,
    // No "Did you mean ...?" hints that map the schema for strangers.
    hideSchemaDetailsFromClientErrors: config.production,
    validationRules,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // close() owns shutdown: Apollo would otherwise re-raise the signal and exit non-zero.
    stopOnTerminationSignals: false,
    plugins: [
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, document: SANDBOX_DOCUMENT, variables: SANDBOX_VARIABLES }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.production ? [ApolloServerPluginDisableSuggestions()] : []),
    ],
  });
  await apollo.start();

  let draining = false;
  const trusted = TrustedDocuments.fromFile(config.graphql.trustedDocumentsFile, config.graphql.trustedDocumentsOnly);
  if (trusted.enforce) log.info({ documents: trusted.size }, 'only trusted documents are accepted');
  const server = createHttpServer({
    apollo,
    metrics,
    trusted,
    bodyLimitBytes: config.http.bodyLimitBytes,
    log,
    ready: async () => {
      if (draining) return false;
      await dataSource.query('SELECT 1');
      return !(await dataSource.showMigrations());
    },
    context: async (req) => contextFor(await authenticate(authenticator, req), req),
  });
  const subscriptions = attachSubscriptions(server, {
    schema,
    trusted,
    validationRules,
    formatError,
    authenticate: (headers) => authenticator.authenticate(headers),
    context: contextFor,
  });
  const url = await listen(server, config.port, config.host);
  if (config.reconciler.enabled) reconciler.start();
  else log.info('reconciler is off (RECONCILER_ENABLED=false)');
  log.info(`GraphQL API ready at ${url}/graphql${config.production ? '' : ' (open it in a browser for Apollo Sandbox)'}`);

  return {
    url,
    dataSource,
    simulator,
    reconciler,
    breaker,
    close: async () => {
      draining = true;
      await reconciler.stop();
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets become idle as their last response ends: close them as soon as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.http.shutdownGraceMs).unref());
      if ((await Promise.race([closed, grace])) === 'timeout') {
        log.warn('requests still running after the grace period; closing their connections');
        server.closeAllConnections();
        await closed;
      }
      clearInterval(sweeper);
      await apollo.stop();
      await dataSource.destroy();
      await limiter.close();
      await bus.close();
      await simulator?.close();
      log.info('stopped');
    },
  };
}

/** The viewer, or an UNAUTHENTICATED error (HTTP 401) that Apollo returns before running anything. */
async function authenticate(authenticator: Authenticator, req: IncomingMessage) {
  try {
    return await authenticator.authenticate(req.headers);
  } catch (error) {
    if (!(error instanceof AuthenticationFailed)) throw error;
    throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || req.socket.remoteAddress || 'unknown';
}
