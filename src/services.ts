/**
 * The BFF's parts below the HTTP edge, wired once: Cashii client with its breaker, payment
 * services, status bus, reconciler, authentication, rate limits, metrics, and the GraphQL schema
 * with its context. The server (app.ts) and the benchmark's alternative servers share it.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { Authenticator } from './auth/authenticator';
import type { Viewer } from './auth/viewer';
import { CashiiClient, CircuitBreaker } from './cashii';
import { type Clock, systemClock } from './common/clock';
import { AnswerCache } from './graphql/answer-cache';
import type { Config } from './config';
import { Database } from './db/database';
import type { GraphQLContext } from './graphql/context';
import { buildAppSchema } from './graphql/schema';
import { clientAddress } from './http/client-address';
import type { Logger } from './logger';
import { LocalStatusBus, PostgresStatusBus, type StatusBus } from './messaging/status-bus';
import { Metrics } from './observability/metrics';
import type { PaymentService } from './payments/core/payment-service';
import type { Reconciler } from './payments/core/reconciler';
import { createPaymentsModule } from './payments/payments-module';
import { LoopPressure } from './common/loop-pressure';
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
  /** Kept answers of repeated queries, checked against what they read; null when GRAPHQL_ANSWER_CACHE_BYTES is 0. */
  readonly answers: AnswerCache | null;
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
  /** Time for the payments module, the breaker and token expiry (tests move a manual one); the machine's by default. */
  clock?: Clock,
): Promise<Services> {
  const metrics = new Metrics();
  const breaker = new CircuitBreaker({
    ...config.breaker,
    ...(clock ? { now: () => clock.now() } : {}),
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
  const bus = await createBus(config, dataSource, log);
  const loop = new LoopPressure();
  const paymentsModule = await createPaymentsModule({
    config,
    loopLagging: () => loop.sample().lagging,
    cashiiTimeoutMs: cashiiEndpoint.timeoutMs,
    paymentPageUrl: cashiiEndpoint.paymentPageUrl,
    database,
    cashii,
    bus,
    log,
    clock,
    hooks: {
      onTransition: (_record, from, to, source) => metrics.transitions.inc({ from, to, source }),
      onReplay: (result) => metrics.journalReplays.inc({ result }),
      onReconcile: (report, backlog) => {
        metrics.reconcilerBacklog.set(backlog);
        for (const result of ['changed', 'unchanged', 'unreachable', 'stale'] as const) {
          metrics.reconcilerChecks.inc({ result }, report[result]);
        }
      },
    },
  });
  metrics.observeStorage({ writable: () => database.writable, journalPending: () => paymentsModule.journalPending() });
  const payments = paymentsModule.service;
  const backOffice = paymentsModule.backOffice;
  metrics.observeReviewQueue(() => backOffice.reviewQueueCounts());
  const reconciler = paymentsModule.reconciler;

  const authenticator = new Authenticator(config.auth, clock);
  if (config.auth.mode === 'dev') {
    log.warn('Development authentication: requests act as a local user, or as the user named in X-Dev-User. Never in production.');
  }
  const limiter = new RateLimiter(
    config.rateLimit.redisUrl
      ? new RedisRateLimitStore(config.rateLimit.redisUrl, { log, onFallbackHit: () => metrics.rateLimitFallbackHits.inc() })
      : new MemoryRateLimitStore(),
    log,
  );
  metrics.observeRateLimitStore(() => limiter.available());
  metrics.observeHeld('tokens', () => authenticator.held());
  metrics.observeHeld('rate_limits', () => limiter.held());
  const createLimits = new CreatePaymentLimits(limiter, config.rateLimit);
  const confirmLimits = new ConfirmReturnLimits(limiter, config.rateLimit);
  const schema = await buildAppSchema();

  const answers =
    config.graphql.answerCacheBytes === 0
      ? null
      : new AnswerCache({
          versionsOf: (keys) => paymentsModule.readVersions(keys),
          maxBytes: config.graphql.answerCacheBytes,
          maxEntryBytes: config.graphql.answerCacheEntryBytes,
          maxAgeMs: 10 * 60_000,
          clock: clock ?? systemClock,
          onLookup: (result) => metrics.answerCache.inc({ result }),
        });
  if (answers) metrics.observeHeld('answers', () => answers.held());

  return {
    schema,
    metrics,
    breaker,
    database,
    payments,
    reconciler,
    answers,
    authenticator,
    contextFor: (viewer, req) => ({
      viewer,
      clientAddress: clientAddress(req, config.rateLimit.trustProxy),
      payments,
      backOffice,
      createLimits,
      confirmLimits,
      loaders: payments.readBatch(),
    }),
    close: async () => {
      await paymentsModule.close();
      loop.close();
      await limiter.close();
      await bus.close();
      cashii.close();
    },
  };
}

async function createBus(config: Config, dataSource: DataSource, log: Logger): Promise<StatusBus> {
  if (config.database.kind !== 'postgres') return new LocalStatusBus();
  const bus = new PostgresStatusBus(config.database.url, dataSource, log);
  await bus.start();
  return bus;
}
