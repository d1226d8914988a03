/**
 * Runs the BFF: the simulator (when configured), the database, the services, Apollo, the HTTP
 * and WebSocket edge. `startApp` is what `main.ts` and the integration tests run.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { AuthenticationFailed, type Authenticator } from './auth/authenticator';
import type { CircuitBreaker } from './cashii';
import type { Clock } from './common/clock';
import type { Config } from './config';
import { POSTGRES_POOL_SIZE, openDatabase } from './db/data-source';
import { storageFaultCode } from './db/storage-fault';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from './payments/store/stored-models';
import { createApollo } from './graphql/apollo';
import { createErrorFormatter } from './graphql/format-error';
import { ideOf } from './graphql/ide';
import { operationLimitRules, operationParseOptions } from './graphql/limits';
import { TrustedDocuments } from './graphql/trusted-documents';
import { warmUp } from './graphql/warm-up';
import { CorsPolicy } from './http/cors';
import { GraphiQLAssets, serveGraphiQLAssets } from './http/graphiql';
import { createHttpServer, listen } from './http/server';
import { attachSubscriptions } from './http/subscriptions';
import type { Logger } from './logger';
import type { PaymentService } from './payments/core/payment-service';
import type { Reconciler } from './payments/core/reconciler';
import { type RunningSimulator, startSimulator } from './sandbox/simulator';
import { createServices } from './services';

/** The longest a start waits for the warm-up (./graphql/warm-up.ts) before it listens anyway. */
const WARM_UP_BUDGET_MS = 3000;
/** What the warm-up's contexts are built from: no client, no address. */
const WARM_UP_REQUEST = { headers: {}, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;

export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly dataSource: DataSource;
  readonly simulator: RunningSimulator | null;
  readonly reconciler: Reconciler;
  readonly breaker: CircuitBreaker;
  /** The payments module's one door (jobs and tests may call it directly, with the same rules as the API). */
  readonly payments: PaymentService;
  /** Graceful stop: not ready, no new connections, in-flight requests finish (up to the grace period). */
  close(): Promise<void>;
}

/** What a test may put in place of the machine's parts. */
export interface AppOverrides {
  /** Time for the payments module: a manual clock lets tests move time instead of waiting for it. */
  clock?: Clock;
  /** The longest the start waits for the warm-up (3 s by default; a test on a loaded machine may wait longer). */
  warmUpBudgetMs?: number;
}

export async function startApp(config: Config, log: Logger, overrides: AppOverrides = {}): Promise<RunningApp> {
  const simulator = config.simulator.enabled ? await startSimulator({ port: config.simulator.port }) : null;
  const cashii = simulator
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
    dataSource = await openDatabase(config.database, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS }, config.storage);
  } catch (error) {
    await simulator?.close();
    throw error;
  }

  const services = await createServices(config, cashii, dataSource, log, overrides.clock);
  const formatError = createErrorFormatter(log);
  const validationRules = operationLimitRules(config.graphql);
  const apollo = createApollo({ schema: services.schema, config, formatError, validationRules, answers: services.answers });
  await apollo.start();
  for (const [name, cache] of Object.entries(apollo.caches)) services.metrics.observeHeld(name, () => cache.held());

  const trusted = TrustedDocuments.fromFile(config.graphql.trustedDocumentsFile, config.graphql.trustedDocumentsOnly);
  if (trusted.enforce) log.info({ documents: trusted.size }, 'only trusted documents are accepted');
  services.metrics.observeHeld('trusted_verdicts', () => trusted.held());
  const cors = new CorsPolicy(config.cors, config.auth.mode === 'dev');
  if (config.production && config.cors.allowedOrigins.length === 0) {
    log.info('no CORS_ALLOWED_ORIGINS: web pages on other origins cannot call /graphql (same-origin pages and apps can)');
  }
  if (config.production && config.metricsToken === null) log.warn('/metrics is open to anyone who reaches this port: set METRICS_TOKEN');
  let draining = false;
  const server = createHttpServer({
    apollo,
    metrics: services.metrics,
    trusted,
    cors,
    metricsToken: config.metricsToken,
    bodyLimitBytes: config.http.bodyLimitBytes,
    log,
    ready: async () => {
      if (draining) return { ready: false, reason: 'shutting down' };
      const storage = await services.database.storageState();
      // The database's writes, or a store they depend on (the create journal), in its own words.
      if (!storage.writable) {
        const reason = storage.failing === 'database' ? `database writes are failing (${storage.reason})` : storage.reason;
        return { ready: false, reason, storage };
      }
      try {
        await dataSource.query('SELECT 1');
        if (await dataSource.showMigrations()) return { ready: false, reason: 'database migrations are pending' };
      } catch (error) {
        services.database.reportFault(error);
        return { ready: false, reason: `the database cannot be reached (${storageFaultCode(error) ?? 'error'})` };
      }
      return { ready: true };
    },
    viewerOf: (req) => authenticate(services.authenticator, req),
    context: (viewer, req) => services.contextFor(viewer, req),
  });
  const ide = ideOf(config);
  const graphiql = ide === 'graphiql' ? GraphiQLAssets.locate() : null;
  if (graphiql) serveGraphiQLAssets(server, graphiql);
  const subscriptions = attachSubscriptions(server, {
    schema: services.schema,
    trusted,
    allowUpgrade: (req) => cors.allowsWebSocket(req),
    parseOptions: operationParseOptions(config.graphql),
    maxPerConnection: config.graphql.maxSubscriptionsPerConnection,
    validationRules,
    formatError,
    authenticate: (headers) => services.authenticator.authenticate(headers),
    context: (viewer, req) => services.contextFor(viewer, req),
    clock: overrides.clock,
  });
  // Before the first request: the trusted queries parsed, validated and run once, the pool opened.
  const warm = await warmUp({
    apollo,
    schema: services.schema,
    documents: trusted.documents(),
    contextFor: (viewer) => services.contextFor(viewer, WARM_UP_REQUEST),
    openConnections: () =>
      config.database.kind === 'postgres'
        ? Promise.all(Array.from({ length: POSTGRES_POOL_SIZE }, () => dataSource.query('SELECT 1')))
        : Promise.resolve(),
    log,
    budgetMs: overrides.warmUpBudgetMs ?? WARM_UP_BUDGET_MS,
  });
  log.info(warm, warm.cut ? 'warm-up cut short by its time budget' : 'warmed up: the trusted queries ran once');
  const url = await listen(server, config.port, config.host);
  if (config.reconciler.enabled) services.reconciler.start();
  else log.info('reconciler is off (RECONCILER_ENABLED=false)');
  const shown = { graphiql: ' (open it in a browser for GraphiQL)', sandbox: ' (open it in a browser for Apollo Sandbox)', off: '' };
  log.info(`GraphQL API ready at ${url}/graphql${shown[ide]}`);

  return {
    url,
    dataSource,
    simulator,
    reconciler: services.reconciler,
    breaker: services.breaker,
    payments: services.payments,
    close: async () => {
      draining = true;
      await services.reconciler.stop();
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
      await services.close();
      await dataSource.destroy();
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
