/**
 * Brings a record in line with Cashii: one GET per payment shared by every concurrent caller
 * (reads, returns, the reconciler), then the state machine decides what changes.
 */
import type { CashiiClient, RemotePaymentSnapshot } from '../../cashii';
import { SingleFlight } from '../../common/singleflight';
import type { Logger } from '../../logger';
import { type PaymentOrder, hasOpenReview } from '../store/payment-entity';
import { ReviewReason, ReviewResolution } from '../store/payment-values';
import type { PaymentRepository, VerificationPatch } from '../store/payment-repository';
import type { FreshnessPolicy } from './freshness';
import { PaymentStatus, assertTransition, fromCashiiStatus, pathBetween } from './payment-status';
import type { PaymentEventSource } from './payment-view';
import { describeError } from './describe-error';

export interface SyncResult {
  /** The record as stored after the sync. */
  record: PaymentOrder;
  /** Whether Cashii answered (false: the stored status is served as it was). */
  confirmed: boolean;
  snapshot?: RemotePaymentSnapshot;
}

/**
 * Notified of every status change, whatever caused it (metrics, subscriptions, the order's
 * settlement); awaited in order, and a failing one is logged, never the caller's error.
 */
export type TransitionListener = (
  record: PaymentOrder,
  from: PaymentStatus,
  to: PaymentStatus,
  source: PaymentEventSource,
) => void | Promise<void>;

/** What the sync needs of the store and Cashii (narrow seams: unit tests pass fakes). */
export type SyncStore = Pick<PaymentRepository, 'findById' | 'flagForReview' | 'recordVerification' | 'transition'>;
export type SyncCashii = Pick<CashiiClient, 'getRemotePayment'>;

export class PaymentSync {
  private readonly flights = new SingleFlight<string, SyncResult>();
  private readonly listeners: TransitionListener[] = [];

  constructor(
    private readonly repository: SyncStore,
    private readonly cashii: SyncCashii,
    private readonly freshness: FreshnessPolicy,
    private readonly log: Logger,
  ) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Reads the payment from Cashii and applies what it says; concurrent calls for one payment share
   * the work. With `ifStale`, the stored record is read again first and, when the freshness policy
   * says someone (any replica) confirmed it recently, served as stored: however many clients poll,
   * Cashii is asked about once per TTL. Without it (a return from the payment page), Cashii is asked.
   */
  refresh(record: PaymentOrder, source: PaymentEventSource, { ifStale }: { ifStale: boolean }): Promise<SyncResult> {
    return this.flights.run(record.id, () => this.refreshNow(record, source, ifStale));
  }

  private async refreshNow(stale: PaymentOrder, source: PaymentEventSource, ifStale: boolean): Promise<SyncResult> {
    let record = stale;
    if (ifStale) {
      record = (await this.repository.findById(stale.id)) ?? stale;
      if (!this.freshness.isStale(record)) return { record, confirmed: true };
    }
    const cashiiId = record.cashiiId as string;
    let snapshot: RemotePaymentSnapshot;
    try {
      snapshot = await this.cashii.getRemotePayment(cashiiId);
    } catch (error) {
      this.log.warn({ cashiiId, source, err: describeError(error) }, 'Cashii read failed; serving the last confirmed status');
      return { record, confirmed: false };
    }
    await this.apply(record, snapshot, source);
    return { record: (await this.repository.findById(record.id)) ?? record, confirmed: true, snapshot };
  }

  /**
   * Applies a snapshot through the state machine. A status not reachable from the stored one (a
   * late `pending` after `paid`) is ignored and logged; another amount or currency flags the
   * payment for review instead of moving it.
   */
  async apply(record: PaymentOrder, snapshot: RemotePaymentSnapshot, source: PaymentEventSource): Promise<void> {
    const now = new Date();
    const cashiiId = record.cashiiId as string;
    const mismatch = this.mismatch(record, snapshot);
    // An operator accepted this payment as it is: the difference is known, the status may move.
    if (mismatch !== null && record.reviewResolution !== ReviewResolution.ACCEPTED_AS_PAID) {
      if (!hasOpenReview(record)) this.log.error({ cashiiId, mismatch }, 'Cashii disagrees with our order record; flagged for review');
      await this.repository.flagForReview(record.id, ReviewReason.AMOUNT_MISMATCH, mismatch, now);
      return;
    }
    if (snapshot.status === null) {
      this.log.warn({ cashiiId, upstreamStatus: snapshot.rawStatus }, 'Cashii sent an unknown status; keeping the last known one');
      await this.repository.recordVerification(record.id, record.status, { upstreamStatus: snapshot.rawStatus }, now);
      return;
    }
    const patch: VerificationPatch = {
      verifiedAt: now,
      upstreamStatus: snapshot.rawStatus,
      from: snapshot.from ?? record.from,
      to: snapshot.to ?? record.to,
    };
    const target = fromCashiiStatus(snapshot.status);
    const path = pathBetween(record.status, target);
    if (path === null) {
      this.log.warn({ cashiiId, stored: record.status, reported: target }, 'ignoring a status that would move the payment backwards');
      return;
    }
    if (path.length === 0) {
      await this.repository.recordVerification(record.id, record.status, patch, now);
      return;
    }
    let from = record.status;
    for (const to of path) {
      assertTransition(from, to);
      // Off the payer's page, nothing more to poll for: no reconciler check is left scheduled, in the same write.
      const step = to === PaymentStatus.PENDING ? patch : { ...patch, nextCheckAt: null };
      if (!(await this.repository.transition(record.id, from, to, source, step, now))) {
        this.log.info({ cashiiId, from, to }, 'status changed concurrently; keeping the stored one');
        return;
      }
      this.log.info({ cashiiId, from, to, source }, 'payment status changed');
      for (const listener of this.listeners) {
        // The change is committed: a listener that fails (the order's settlement on a storage fault)
        // must not turn this answer into an error. Creates for the order heal the settlement.
        await Promise.resolve(listener(record, from, to, source)).catch((error: unknown) =>
          this.log.error({ cashiiId, from, to, err: describeError(error) }, 'a listener failed after a committed status change'),
        );
      }
      from = to;
    }
  }

  private mismatch(record: PaymentOrder, snapshot: RemotePaymentSnapshot): string | null {
    if (snapshot.id !== record.cashiiId) return `Cashii answered for payment ${snapshot.id}`;
    if (snapshot.amount !== null && snapshot.amount !== record.amount) {
      return `Cashii reports amount ${snapshot.amount}, the order says ${record.amount}`;
    }
    if (snapshot.currency !== null && snapshot.currency !== record.currency) {
      return `Cashii reports currency ${snapshot.currency}, the order says ${record.currency}`;
    }
    return null;
  }
}
