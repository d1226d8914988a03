/**
 * The payments module assembled: store, core parts and the service (the one door), from the
 * settings and the shared infrastructure it is given. What the module does at start (records
 * Cashii ids left in the journal, settles creates a dead process left SENDING) happens here too,
 * before anything is served. The API room (GraphQL) is not part of it: the schema takes the
 * resolvers and reaches the module through the context.
 */
import type { CashiiClient } from '../cashii';
import { type Clock, systemClock } from '../common/clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { StatusBus } from '../messaging/status-bus';
import { CreateJournal } from './core/create-journal';
import { CreateRecorder } from './core/create-recorder';
import { FreshnessPolicy, SETTLED_CHECK_FACTORS } from './core/freshness';
import { warmAmountFormats } from './core/money';
import { PaymentCreator } from './core/payment-creator';
import { PaymentPolicy } from './core/payment-policy';
import { PaymentSync, type TransitionListener } from './core/payment-sync';
import { PaymentService } from './core/payment-service';
import { BackOfficeService } from './core/back-office-service';
import { PaymentPresenter } from './core/payment-presenter';
import { PaymentWatchers } from './core/payment-watchers';
import { type ReconcileReport, Reconciler } from './core/reconciler';
import { OrderRepository } from './store/order-repository';
import { PaymentRepository } from './store/payment-repository';
import { PaymentStatus } from './store/payment-values';
import { BackOffice } from './core/back-office';
import { OrderSettlement } from './core/order-settlement';

export interface PaymentsModuleOptions {
  config: Pick<Config, 'payments' | 'storage' | 'reconciler' | 'production'> & {
    graphql: Pick<Config['graphql'], 'maxSubscriptionsPerViewer'>;
  };
  /** Cashii as this process reaches it (the configured one, or the simulator). */
  cashiiTimeoutMs: number;
  paymentPageUrl: string;
  database: Database;
  cashii: CashiiClient;
  bus: StatusBus;
  log: Logger;
  /** Time for every part of the module (tests move a manual one); the machine's by default. */
  clock?: Clock;
  /** Whether this process's event loop lags (clients wait): the reconciler then takes one batch per interval. */
  loopLagging?: () => boolean;
  /** Observers for metrics; the module works without them. */
  hooks?: {
    onTransition?: TransitionListener;
    onReplay?: (result: 'recorded' | 'failed' | 'conflict') => void;
    onReconcile?: (report: ReconcileReport, backlog: number) => void;
  };
}

export interface PaymentsModule {
  /** The customers' door. */
  readonly service: PaymentService;
  /** The operators' door (the back office). */
  readonly backOffice: BackOfficeService;
  readonly reconciler: Reconciler;
  /** The stored version of each key a request recorded reading (store/read-notes.ts): what a keeper of answers compares. */
  readVersions(keys: readonly string[]): Promise<Map<string, string>>;
  /** Cashii ids waiting in the create journal. */
  journalPending(): number;
  /** Why the create journal cannot be written (creates are refused meanwhile), or null; for readiness. */
  journalProblem(): string | null;
  /** Stops watchers and the reconciler, then waits for creates in flight and journal retries. */
  close(): Promise<void>;
}

export async function createPaymentsModule(options: PaymentsModuleOptions): Promise<PaymentsModule> {
  const { config, database, cashii, bus, log, hooks = {}, clock = systemClock } = options;
  // ICU's first locale question and formatter, before the first client's read asks them.
  warmAmountFormats();
  const freshness = new FreshnessPolicy(
    {
      ...config.payments,
      settledCheckDelaysMs: SETTLED_CHECK_FACTORS.map((factor) => factor * config.reconciler.baseDelayMs),
    },
    clock,
  );
  // What a request reads is recorded with the time a read would confirm it with Cashii again (store/read-notes.ts).
  const repository = new PaymentRepository(database, (record) => freshness.staleAt(record));
  const orders = new OrderRepository(database);
  const journal = new CreateJournal(config.storage.journalFile, log);
  journal.load();
  await journal.open();
  // Readiness (the database's storage state) fails while the journal cannot be written.
  database.addWriteDependency(() => journal.problem());
  const recorder = new CreateRecorder(
    repository,
    journal,
    {
      waitMs: config.storage.recordWaitMs,
      windowMs: config.storage.recordWindowMs,
      firstCheckDelayMs: config.reconciler.baseDelayMs,
      onReplay: hooks.onReplay,
    },
    log,
  );
  // A payment that reached PAID pays its order, once; a second one goes to the review queue to be refunded.
  const settlement = new OrderSettlement(orders, repository, log, clock);
  const creator = new PaymentCreator(
    repository,
    cashii,
    recorder,
    // Checks are scheduled even where the reconciler is off: another replica (or a later start) may run it.
    { cashiiTimeoutMs: options.cashiiTimeoutMs, firstCheckDelayMs: config.reconciler.baseDelayMs, clock },
    log,
    orders,
    (paid) => settlement.paid(paid),
  );
  await creator.recoverAtStart({ singleProcess: database.kind === 'sqlite' });

  const sync = new PaymentSync(repository, cashii, freshness, log, clock);
  // Every status change, whatever caused it, reaches live subscribers on every replica.
  sync.onTransition((record) => {
    if (record.cashiiId) bus.publish(record.cashiiId);
  });
  sync.onTransition(async (record, _from, to) => {
    if (to === PaymentStatus.PAID) await settlement.paid(record);
  });
  // A settlement lost to a fault after the status change committed (the order not marked paid, a
  // second or superseded payment not queued) is done again whenever Cashii confirms the payment is
  // paid: the settled checks of the reconciler, reads and returns. A payment a person reviewed is theirs.
  sync.onConfirmed(async (record) => {
    if (record.status === PaymentStatus.PAID && record.orderId !== null) await settlement.paid(record, { heal: true });
  });
  if (hooks.onTransition) sync.onTransition(hooks.onTransition);
  // A create is UNKNOWN for a person once twice the Cashii deadline has passed since its last attempt.
  const backOffice = new BackOffice(repository, orders, sync, settlement, options.cashiiTimeoutMs * 2, log, clock);

  const presenter = new PaymentPresenter(repository, options.paymentPageUrl);
  const watchers = new PaymentWatchers(
    repository,
    sync,
    bus,
    freshness,
    { maxPerViewer: config.graphql.maxSubscriptionsPerViewer, present: (record) => presenter.payment(record) },
    log,
    clock,
  );
  // Two doors over the same core: what customers may do, and what operators may do.
  const service = new PaymentService(
    { payments: repository, orders },
    creator,
    sync,
    watchers,
    presenter,
    new PaymentPolicy(config.payments, config.production),
  );
  const backOfficeService = new BackOfficeService(backOffice, presenter);
  const reconciler = new Reconciler(
    repository,
    sync,
    recorder,
    freshness,
    { ...config.reconciler, cashiiTimeoutMs: options.cashiiTimeoutMs, clock, lagging: options.loopLagging },
    log,
    hooks.onReconcile,
  );
  return {
    service,
    backOffice: backOfficeService,
    reconciler,
    readVersions: (keys) => repository.versions.of(keys),
    journalPending: () => journal.size,
    journalProblem: () => journal.problem(),
    close: async () => {
      service.closeWatchers();
      await reconciler.stop();
      // A create whose HTTP request was cut off at the grace period still gets Cashii's answer recorded.
      await creator.drain();
      await recorder.drain();
      await journal.close();
    },
  };
}
