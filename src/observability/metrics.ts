/** Prometheus metrics, one registry per app instance (tests start several in one process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState } from '../cashii';
import type { OperationRecord } from './request-scope';

export interface StorageGaugeSource {
  writable(): boolean;
  journalPending(): number;
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'bff_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'bff_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: 'bff_graphql_operations_total',
    help: 'GraphQL requests over HTTP by operation (the name of a known document, else other) and outcome (success, partial: data with errors, error: errors only, refusals included)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlErrors = new Counter({
    name: 'bff_graphql_errors_total',
    help: 'GraphQL errors answered over HTTP by operation and extensions.code (most arrive in HTTP 200 answers, unseen by bff_http_requests_total)',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly answerCache = new Counter({
    name: 'bff_answer_cache_total',
    help: 'Repeated queries by what the answer cache did: hit (a kept answer, still current), stale (kept, but something it read changed or its time came), miss',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly cashiiCalls = new Counter({
    name: 'bff_cashii_calls_total',
    help: 'Cashii API calls by operation and outcome (ok, unavailable, rate_limited, circuit_open, ...)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly cashiiDuration = new Histogram({
    name: 'bff_cashii_call_duration_seconds',
    help: 'Cashii API call latency, retries included',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: 'bff_cashii_circuit_state',
    help: 'Circuit breaker around Cashii: 0 closed, 1 half-open, 2 open',
    registers: [this.registry],
  });
  readonly transitions = new Counter({
    name: 'bff_payment_status_transitions_total',
    help: 'Payment status changes by from, to and source',
    labelNames: ['from', 'to', 'source'] as const,
    registers: [this.registry],
  });
  readonly reconcilerBacklog = new Gauge({
    name: 'bff_reconciler_backlog',
    help: 'Pending payments due for a reconciler check after the last pass (counted up to 1000)',
    registers: [this.registry],
  });
  readonly reconcilerChecks = new Counter({
    name: 'bff_reconciler_checks_total',
    help: 'Payments checked by the reconciler, by result (changed, unchanged, unreachable, stale)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly storageCommitFailures = new Counter({
    name: 'bff_storage_commit_failures_total',
    help: 'Database writes that could not commit (or begin), by the fault code (SQLITE_FULL, SQLITE_BUSY, ECONNREFUSED, COMMIT_FAILED, ...)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** What the storage gauges read at each scrape (set once the database is open). */
  private storage: StorageGaugeSource | null = null;
  readonly storageWritable = new Gauge({
    name: 'bff_storage_writable',
    help: '1 while database writes commit, 0 while they fail (readiness answers 503 then)',
    registers: [this.registry],
    collect: () => {
      if (this.storage) this.storageWritable.set(this.storage.writable() ? 1 : 0);
    },
  });
  readonly journalReplays = new Counter({
    name: 'bff_create_journal_replays_total',
    help: 'Journaled Cashii ids replayed into the database, by result (recorded, failed, conflict)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly journalPending = new Gauge({
    name: 'bff_create_journal_pending',
    help: 'Cashii ids created at Cashii that wait in the create journal for the database',
    registers: [this.registry],
    collect: () => {
      if (this.storage) this.journalPending.set(this.storage.journalPending());
    },
  });

  /** Whether the rate-limit store is shared (set once the limiter is built). */
  private rateLimitStore: (() => boolean) | null = null;
  readonly rateLimitStoreUp = new Gauge({
    name: 'bff_rate_limit_store_up',
    help: '1 while rate limits are counted in the shared store (Redis; always 1 without REDIS_URL), 0 while Redis is unreachable and each replica counts in its own memory',
    registers: [this.registry],
    collect: () => {
      if (this.rateLimitStore) this.rateLimitStoreUp.set(this.rateLimitStore() ? 1 : 0);
    },
  });
  readonly rateLimitFallbackHits = new Counter({
    name: 'bff_rate_limit_fallback_hits_total',
    help: "Rate-limit hits counted in this replica's memory because Redis did not take them",
    registers: [this.registry],
  });

  /** What each client-fillable store holds, read at each scrape (`observeHeld`). */
  private readonly holders = new Map<string, () => { entries: number; bytes: number }>();
  readonly heldBytes = new Gauge({
    name: 'bff_cache_bytes',
    help: "Bytes each client-fillable cache holds as counted against its bound (answers, documents, persisted_queries, tokens, rate_limits, trusted_verdicts); the answers' bytes sit in one block outside V8's heap (counted as written so far), and V8 commits about twice the others' in heap pages",
    labelNames: ['cache'] as const,
    registers: [this.registry],
    collect: () => this.collectHeld(),
  });
  readonly heldEntries = new Gauge({
    name: 'bff_cache_entries',
    help: 'Entries each client-fillable cache holds',
    labelNames: ['cache'] as const,
    registers: [this.registry],
    collect: () => this.collectHeld(),
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports what `held` says at each scrape, as cache `name` (one source per name: a later one replaces it). */
  observeHeld(name: string, held: () => { entries: number; bytes: number }): void {
    this.holders.set(name, held);
  }

  private collectHeld(): void {
    for (const [cache, held] of this.holders) {
      const { entries, bytes } = held();
      this.heldBytes.set({ cache }, bytes);
      this.heldEntries.set({ cache }, entries);
    }
  }

  /** Counts one GraphQL request as it was answered. */
  countOperation({ operation, outcome, codes }: OperationRecord): void {
    this.graphqlOperations.inc({ operation, outcome });
    for (const code of codes) this.graphqlErrors.inc({ operation, code });
  }

  observeRateLimitStore(available: () => boolean): void {
    this.rateLimitStore = available;
  }

  /** What the review-queue gauge reads at each scrape. */
  private reviewQueue: (() => Promise<Record<string, number>>) | null = null;
  readonly reviewQueueSize = new Gauge({
    name: 'bff_review_queue_size',
    help: "Payments waiting in the back office's review queue, by reason",
    labelNames: ['reason'] as const,
    registers: [this.registry],
    collect: async () => {
      if (!this.reviewQueue) return;
      const counts = await this.reviewQueue().catch(() => null);
      if (counts) for (const [reason, count] of Object.entries(counts)) this.reviewQueueSize.set({ reason }, count);
    },
  });

  observeReviewQueue(counts: () => Promise<Record<string, number>>): void {
    this.reviewQueue = counts;
  }

  observeStorage(source: StorageGaugeSource): void {
    this.storage = source;
  }

  setBreakerState(state: BreakerState): void {
    this.breakerState.set(BREAKER_VALUE[state]);
  }
}
