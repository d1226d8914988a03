/**
 * Re-checks pending payments with Cashii in the background, so a payment paid with no one coming
 * back to the app still settles: every one that can still be paid, superseded ones and second
 * payments of an order included. Settled payments get a few later checks too (Cashii may change
 * its answer; a contradiction goes to the review queue). Checks back off (base delay doubling up to a maximum); past the
 * horizon a payment is marked stale and left alone. Rows are claimed with a lease (FOR UPDATE
 * SKIP LOCKED on PostgreSQL), so several replicas never check one payment at once; in one process
 * runs never overlap.
 */
import { type Clock, systemClock } from '../../common/clock';
import type { Config } from '../../config';
import { isStorageFault, storageFaultCode } from '../../db/storage-fault';
import type { Logger } from '../../logger';
import type { CreateRecorder } from './create-recorder';
import type { FreshnessPolicy } from './freshness';
import type { PaymentSync } from './payment-sync';
import { PaymentEventSource } from './payment-view';
import type { PaymentRepository, VerificationPatch } from '../store/payment-repository';
import { PaymentStatus } from './payment-status';
import { type PaymentOrder, hasOpenReview } from '../store/payment-entity';

/** The backlog gauge counts due payments up to this many (it says "at least" beyond). */
const BACKLOG_COUNT_CAP = 1000;
/** A full backlog is counted again at most this often. */
const BACKLOG_COUNT_EVERY_MS = 5000;
/** Claimed payments one pass checks at the same time. */
const CHECKS_AT_ONCE = 8;

export interface ReconcileReport {
  claimed: number;
  changed: number;
  /** Confirmed with Cashii (or fresh), still pending and within the horizon. */
  unchanged: number;
  unreachable: number;
  stale: number;
  expiredCreates: number;
}

export class Reconciler {
  private timer: { cancel(): void } | null = null;
  private running: Promise<ReconcileReport> | null = null;
  private stopped = false;
  private lastBacklog = { at: -Infinity, count: 0 };
  private yielding = false;

  constructor(
    private readonly repository: PaymentRepository,
    private readonly sync: PaymentSync,
    private readonly recorder: Pick<CreateRecorder, 'replay'>,
    private readonly freshness: FreshnessPolicy,
    private readonly options: Config['reconciler'] & {
      cashiiTimeoutMs: number;
      clock?: Clock;
      /**
       * Whether clients are waiting on this process (its event loop lags, ../../common/loop-pressure.ts).
       * A full batch is then followed by the next one an interval later, not at once: under overload,
       * checks back to back took the CPU the requests needed, and the backlog they fed grew with it.
       */
      lagging?: () => boolean;
    },
    private readonly log: Logger,
    private readonly onRun?: (report: ReconcileReport, backlog: number) => void,
  ) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  start(): void {
    this.stopped = false;
    this.log.info(
      { intervalMs: this.options.intervalMs, batchSize: this.options.batchSize, horizonMs: this.options.horizonMs },
      'reconciler started',
    );
    this.schedule();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass; a second call while one runs joins it instead of overlapping. */
  runOnce(): Promise<ReconcileReport> {
    if (!this.running) this.running = this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * The next pass, one interval after the last; right away after a pass that filled its batch (more
   * are due: waiting an interval per batch would cap the checks at batchSize per interval, behind a
   * backlog that grows with every payment still open).
   */
  private schedule(delayMs = this.options.intervalMs): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      let full = false;
      this.runOnce()
        .then((report) => void (full = report.claimed >= this.options.batchSize))
        .catch((error: unknown) => {
          // The database layer already reported the storage fault (once, at error level).
          if (isStorageFault(error))
            this.log.warn({ reason: storageFaultCode(error) }, 'reconciler run skipped: the database is unavailable');
          else this.log.error({ err: error }, 'reconciler run failed');
        })
        .finally(() => {
          // Asked after every pass, so that each answer covers the last pass alone.
          const lagging = this.yieldToClients();
          this.schedule(full && !lagging ? 0 : this.options.intervalMs);
        });
    }, delayMs);
  }

  /** Whether the loop lagged during the last pass, so that a full batch waits an interval (logged once per episode). */
  private yieldToClients(): boolean {
    const lagging = this.options.lagging?.() ?? false;
    if (lagging !== this.yielding) {
      this.yielding = lagging;
      if (lagging) this.log.warn('the event loop lags: the reconciler checks one batch per interval until it keeps up');
      else this.log.info('the event loop keeps up again: the reconciler drains its backlog at once');
    }
    return lagging;
  }

  private async pass(): Promise<ReconcileReport> {
    const now = new Date(this.clock.now());
    const report: ReconcileReport = { claimed: 0, changed: 0, unchanged: 0, unreachable: 0, stale: 0, expiredCreates: 0 };
    // Cashii ids journaled during a database outage go in first: their records must not be taken as crashed below.
    await this.recorder.replay();
    // Creates still SENDING long after the Cashii deadline belong to a process that died mid-call.
    report.expiredCreates = await this.repository.expireSending(new Date(now.getTime() - this.options.cashiiTimeoutMs * 2), now);
    if (report.expiredCreates > 0) {
      this.log.warn({ count: report.expiredCreates }, 'creates interrupted mid-call marked UNKNOWN');
    }

    const lease = new Date(now.getTime() + this.options.cashiiTimeoutMs * 2 + this.options.intervalMs);
    const due = await this.repository.claimDue(now, this.options.batchSize, lease);
    report.claimed = due.length;
    // A few checks at once: each waits on Cashii and on a write (SQLite's group commit takes the
    // writes of concurrent checks in one transaction), so one after another would leave the
    // reconciler behind a growing backlog long before the CPU is busy.
    // A failed check (the database is gone) ends the pass once the checks under way are done; the
    // rows not reached keep their lease and are claimed again after it.
    let next = 0;
    let failure: { error: unknown } | null = null;
    const worker = async () => {
      while (!this.stopped && failure === null && next < due.length) {
        await this.check(due[next++], now, report).catch((error: unknown) => void (failure ??= { error }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, due.length) }, worker));
    if (failure !== null) throw (failure as { error: unknown }).error;

    const backlog = await this.backlog(report.claimed);
    if (report.claimed > 0 || report.expiredCreates > 0) this.log.info({ ...report, backlog }, 'reconciler pass');
    else this.log.debug({ backlog }, 'reconciler pass: nothing due');
    this.onRun?.(report, backlog);
    return report;
  }

  /** One claimed payment: asks Cashii, and writes what comes next (with the confirmation when it can). */
  private async check(record: PaymentOrder, now: Date, report: ReconcileReport): Promise<void> {
    const attempts = record.checkAttempts + 1;
    const pastHorizon = now.getTime() - record.createdAt.getTime() > this.options.horizonMs;
    // What comes next when Cashii confirms the stored status: written with that confirmation, in its one UPDATE.
    const next = this.nextCheck(record, attempts, pastHorizon);
    // A due check asks Cashii whatever a read did meanwhile: the schedule, not the TTL, spaces them.
    const result = await this.sync.refresh(record, PaymentEventSource.RECONCILE, { ifStale: false, whenUnchanged: next });
    const { record: after, confirmed } = result;
    if (!confirmed) report.unreachable++;
    if (after.status !== record.status) {
      // The status write set what comes next (the settled checks) in the same statement.
      report.changed++;
      return;
    }
    const stale = after.status === PaymentStatus.PENDING && pastHorizon;
    if (stale) {
      // Past the horizon, one last look (above); still pending after it means stale.
      this.log.warn({ cashiiId: record.cashiiId }, 'payment still pending past the reconciler horizon: marked stale');
      report.stale++;
    } else if (confirmed) report.unchanged++;
    if (result.scheduled === true) return;
    // Not written with a confirmation (Cashii unreachable, a review opened, a read's check joined): written now.
    if (stale) await this.repository.markStale(record.id, new Date(this.clock.now()));
    else if (hasOpenReview(after)) await this.repository.scheduleCheck(record.id, null, attempts);
    else await this.repository.scheduleCheck(record.id, next.nextCheckAt ?? null, attempts);
  }

  /**
   * The columns of a payment's next check, as of check number `attempts`: a pending one backs off
   * (or, past the horizon, is marked stale and left alone); a settled one gets its next settled check, if any.
   */
  private nextCheck(record: PaymentOrder, attempts: number, pastHorizon: boolean): VerificationPatch {
    const at = this.clock.now();
    if (record.status === PaymentStatus.PENDING) {
      if (pastHorizon) return { staleAt: new Date(at), nextCheckAt: null, checkAttempts: attempts };
      return { nextCheckAt: new Date(at + this.backoff(attempts)), checkAttempts: attempts };
    }
    const delay = this.freshness.settledCheckDelay(attempts);
    return { nextCheckAt: delay === null ? null : new Date(at + delay), checkAttempts: attempts };
  }

  /**
   * Payments due now (the gauge), counted up to a cap: none when the pass did not fill its batch;
   * otherwise counted again at most every BACKLOG_COUNT_EVERY_MS (a full backlog means a pass every
   * interval, and each count walks up to the cap).
   */
  private async backlog(claimed: number): Promise<number> {
    if (claimed < this.options.batchSize) {
      this.lastBacklog = { at: -Infinity, count: 0 };
      return 0;
    }
    const now = this.clock.now();
    if (now - this.lastBacklog.at >= BACKLOG_COUNT_EVERY_MS) {
      this.lastBacklog = { at: now, count: await this.repository.countDue(new Date(now), BACKLOG_COUNT_CAP) };
    }
    return this.lastBacklog.count;
  }

  /** Delay before check number `attempts + 1`: doubling from the base, capped, with +-20% jitter. */
  private backoff(attempts: number): number {
    const raw = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(attempts, 30));
    return Math.round(raw * (0.8 + Math.random() * 0.4));
  }
}
