/**
 * The BFF's parts below the HTTP edge, wired once: Cashii client with its breaker, payment
 * services, status bus, reconciler, authentication, rate limits, metrics, and the GraphQL schema
 * with its context. The server (app.ts) and the benchmark's alternative servers share it.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { Authenticator } from './auth/authenticator';
import { CashiiClient, CircuitBreaker } from './cashii';
import type { Config } from './config';
import { Database } from './db/database';
import type { GraphQLContext, Viewer } from './graphql/context';
import { buildAppSchema } from './graphql/schema';
import { createValidator } from './graphql/validation';
import type { Logger } from './logger';
import { Metrics } from './observability/metrics';
import { CreateJournal } from './payments/core/create-journal';
import { CreateRecorder } from './payments/core/create-recorder';
import { PaymentCreator } from './payments/core/payment-creator';
import { PaymentPolicy } from './payments/core/payment-policy';
import { PaymentSync } from './payments/core/payment-sync';
import { createPaymentLoaders } from './payments/store/payment.loader';
import { PaymentRepository } from './payments/store/payment.repository';
import { PaymentService } from './payments/core/payment.service';
import { Reconciler } from './payments/core/reconciler';
import { LocalStatusBus, PostgresStatusBus, type StatusBus } from './messaging/status-bus';
import {
  ConfirmReturnLimits,
  CreatePaymentLimits,
  MemoryRateLimitStore,
  RateLimiter,
  RedisRateLimitStore,
} from './rate-limit/rate-limiter';

/** Where Cashii is: the configured one, or the simulator's address when it runs. */
export type CashiiEndpoint = Config['cashii'];

export interface Services {
  readonly schema: GraphQLSchema;
  readonly metrics: Metrics;
  readonly breaker: CircuitBreaker;
  readonly database: Database;
  readonly payments: PaymentService;
  readonly reconciler: Reconciler;
  readonly authenticator: Authenticator;
  /** The GraphQL context of one request (or one subscription connection). */
  contextFor(viewer: Viewer, req: IncomingMessage): GraphQLContext;
  /** Stops the reconciler and closes the bus and the rate-limit store (not the database). */
  close(): Promise<void>;
}

export async function createServices(
  config: Config,
  cashiiEndpoint: CashiiEndpoint,
  dataSource: DataSource,
  log: Logger,
): Promise<Services> {
  const metrics = new Metrics();
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onStateChange: (state) => {
      metrics.setBreakerState(state);
      log.warn({ state }, `Cashii circuit breaker is now ${state}`);
    },
  });
  const cashii = new CashiiClient({
    baseUrl: cashiiEndpoint.apiBaseUrl,
    apiKey: cashiiEndpoint.apiKey,
    timeoutMs: cashiiEndpoint.timeoutMs,
    breaker,
    onCall: (operation, outcome, seconds) => {
      metrics.cashiiCalls.inc({ operation, outcome });
      metrics.cashiiDuration.observe({ operation }, seconds);
    },
  });
  const database = new Database(dataSource, {
    lockWaitMs: config.storage.lockWaitMs,
    log,
    onCommitFailure: (reason) => metrics.storageCommitFailures.inc({ reason }),
  });
  const repository = new PaymentRepository(database);
  const journal = new CreateJournal(config.storage.journalFile, log);
  journal.load();
  const recorder = new CreateRecorder(
    repository,
    journal,
    {
      waitMs: config.storage.recordWaitMs,
      windowMs: config.storage.recordWindowMs,
      firstCheckDelayMs: config.reconciler.baseDelayMs,
      onReplay: (result) => metrics.journalReplays.inc({ result }),
    },
    log,
  );
  metrics.observeStorage({ writable: () => database.writable, journalPending: () => journal.size });
  await recoverInterruptedCreates(database, repository, recorder, log);
  const bus = await createBus(config, dataSource, log);
  const sync = new PaymentSync(repository, cashii, log);
  sync.onTransition((record, from, to, source) => {
    metrics.transitions.inc({ from, to, source });
    if (record.cashiiId) bus.publish(record.cashiiId);
  });
  // Checks are scheduled even where the reconciler is off: another replica (or a later start) may run it.
  const creator = new PaymentCreator(
    repository,
    cashii,
    recorder,
    { cashiiTimeoutMs: cashiiEndpoint.timeoutMs, firstCheckDelayMs: config.reconciler.baseDelayMs },
    log,
  );
  const payments = new PaymentService(
    repository,
    creator,
    sync,
    bus,
    {
      paymentPageUrl: cashiiEndpoint.paymentPageUrl,
      statusTtlMs: config.payments.statusTtlMs,
      paidStatusTtlMs: config.payments.paidStatusTtlMs,
      maxWatchesPerViewer: config.graphql.maxSubscriptionsPerViewer,
    },
    log,
  );
  const reconciler = new Reconciler(
    repository,
    sync,
    recorder,
    { ...config.reconciler, cashiiTimeoutMs: cashiiEndpoint.timeoutMs },
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
  if (config.auth.mode === 'dev') {
    log.warn('Development authentication: requests act as a local user, or as the user named in X-Dev-User. Never in production.');
  }
  const limiter = new RateLimiter(
    config.rateLimit.redisUrl ? new RedisRateLimitStore(config.rateLimit.redisUrl) : new MemoryRateLimitStore(),
    log,
  );
  const createLimits = new CreatePaymentLimits(limiter, config.rateLimit);
  const confirmLimits = new ConfirmReturnLimits(limiter, config.rateLimit);
  const schema = await buildAppSchema(createValidator(new PaymentPolicy(config.payments, config.production)));

  return {
    schema,
    metrics,
    breaker,
    database,
    payments,
    reconciler,
    authenticator,
    contextFor: (viewer, req) => ({
      viewer,
      clientAddress: clientAddress(req, config.rateLimit.trustProxy),
      payments,
      createLimits,
      confirmLimits,
      loaders: createPaymentLoaders(repository),
    }),
    close: async () => {
      payments.closeWatchers();
      await reconciler.stop();
      // A create whose HTTP request was cut off at the grace period still gets Cashii's answer recorded.
      await creator.drain();
      await recorder.drain();
      await limiter.close();
      await bus.close();
    },
  };
}

/**
 * Before serving: Cashii ids journaled during a database outage are recorded, then (SQLite: one
 * process owns the file) creates left SENDING by a process that is gone become UNKNOWN, so the next
 * retry of their key proceeds at once. On PostgreSQL replicas share the table: the time rule applies.
 */
async function recoverInterruptedCreates(database: Database, repository: PaymentRepository, recorder: CreateRecorder, log: Logger) {
  const left = await recorder.replay();
  if (left > 0) log.error({ left }, 'journaled Cashii ids could not be recorded at start; the reconciler keeps trying');
  if (database.kind !== 'sqlite') return;
  const now = new Date();
  const expired = await repository.expireSending(new Date(now.getTime() + 1), now);
  if (expired > 0) log.warn({ count: expired }, 'creates interrupted by the last shutdown marked UNKNOWN');
}

async function createBus(config: Config, dataSource: DataSource, log: Logger): Promise<StatusBus> {
  if (config.database.kind !== 'postgres') return new LocalStatusBus();
  const bus = new PostgresStatusBus(
    config.database.url,
    (channel, payload) => dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]),
    log,
  );
  await bus.start();
  return bus;
}

/**
 * The client's address for rate limits. Behind a trusted proxy it is the LAST X-Forwarded-For
 * entry: the one that proxy appended. Entries to its left come from the client and can be forged.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}
