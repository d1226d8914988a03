/**
 * Brings a record in line with Cashii: one GET per payment shared by every concurrent caller
 * (reads, returns, the reconciler), then the state machine decides what changes.
 */
import type { CashiiClient, RemotePaymentSnapshot } from '../../cashii';
import { SingleFlight } from '../../common/singleflight';
import { type Clock, systemClock } from '../../common/clock';
import type { Logger } from '../../logger';
import { CASHII_COLUMNS, type CashiiColumn, type PaymentOrder, hasOpenReview } from '../store/payment-entity';
import { ReviewReason, ReviewResolution } from '../store/payment-values';
import type { PaymentRepository, VerificationPatch } from '../store/payment-repository';
import type { FreshnessPolicy } from './freshness';
import { PaymentStatus, assertTransition, fromCashiiStatus, pathBetween } from './payment-status';
import { PaymentEventSource } from './payment-view';
import { describeError } from './describe-error';

export interface SyncResult {
  /** The record as stored after the sync. */
  record: PaymentOrder;
  /** Whether Cashii answered (false: the stored status is served as it was). */
  confirmed: boolean;
  snapshot?: RemotePaymentSnapshot;
  /** The caller's `whenUnchanged` columns were written with the confirmation (false: a joined flight, a change, a review). */
  scheduled?: boolean;
}

export interface RefreshOptions {
  /** Ask Cashii only when the stored record is stale (a read); false asks it in any case. */
  ifStale: boolean;
  /**
   * Columns to write with a confirmation that leaves the status as it was (the reconciler's next
   * check), in that one UPDATE; `scheduled` in the result says whether they were.
   */
  whenUnchanged?: VerificationPatch;
}

/** What `apply` did: confirmed the stored status as it was (`patch` written), or anything else. */
type Applied = { unchanged: true; patch: VerificationPatch; at: Date } | { unchanged: false };

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
export type SyncStore = Pick<PaymentRepository, 'findById' | 'flagForReview' | 'recordVerification' | 'transition' | 'recordReturn'>;
export type SyncCashii = Pick<CashiiClient, 'getRemotePayment'>;

export class PaymentSync {
  private readonly flights = new SingleFlight<string, SyncResult>();
  private readonly listeners: TransitionListener[] = [];
  private readonly confirmations: Array<(record: PaymentOrder) => Promise<void>> = [];

  constructor(
    private readonly repository: SyncStore,
    private readonly cashii: SyncCashii,
    private readonly freshness: FreshnessPolicy,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Notified when Cashii confirms a record's stored status again (no change): what a status change
   * should have caused but may have lost to a fault after its commit (the order's settlement) is
   * done again here. Failures are logged, never the caller's error.
   */
  onConfirmed(listener: (record: PaymentOrder) => Promise<void>): void {
    this.confirmations.push(listener);
  }

  /** Whether a read must confirm this record with Cashii before answering (the freshness policy). */
  isStale(record: PaymentOrder): boolean {
    return this.freshness.isStale(record);
  }

  /**
   * A return from the payment page: Cashii is asked (final statuses too: Cashii may contradict the
   * stored one, which goes to the review queue), a redirect that claimed another status than Cashii
   * confirms is logged (the claim is a hint only), and what the redirect carried is kept for audit.
   */
  async confirmReturn(record: PaymentOrder, redirect: { status: string; transactionId: string; signature: string }): Promise<SyncResult> {
    const result = await this.refresh(record, PaymentEventSource.RETURN, { ifStale: false });
    const { record: synced, confirmed } = result;
    if (confirmed && synced.status.toLowerCase() !== redirect.status) {
      this.log.warn(
        { cashiiId: record.cashiiId, claimed: redirect.status, confirmed: synced.status },
        'a return redirect claimed a status that Cashii does not confirm',
      );
    }
    await this.repository.recordReturn(
      record.id,
      // The transaction id is kept only once Cashii confirms the user acted (a forged return on a pending payment proves nothing).
      {
        transactionId: confirmed && synced.status !== PaymentStatus.PENDING ? redirect.transactionId : null,
        signature: redirect.signature,
        claimedStatus: redirect.status,
      },
      new Date(this.clock.now()),
    );
    return result;
  }

  /**
   * Reads the payment from Cashii and applies what it says; concurrent calls for one payment share
   * the work. With `ifStale`, the stored record is read again first and, when the freshness policy
   * says someone (any replica) confirmed it recently, served as stored: however many clients poll,
   * Cashii is asked about once per TTL. Without it (a return from the payment page), Cashii is asked.
   */
  refresh(record: PaymentOrder, source: PaymentEventSource, { ifStale, whenUnchanged }: RefreshOptions): Promise<SyncResult> {
    return this.flights.run(record.id, () => this.refreshNow(record, source, ifStale, whenUnchanged));
  }

  private async refreshNow(
    stale: PaymentOrder,
    source: PaymentEventSource,
    ifStale: boolean,
    whenUnchanged: VerificationPatch | undefined,
  ): Promise<SyncResult> {
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
    const applied = await this.apply(record, snapshot, source, whenUnchanged);
    if (applied.unchanged) {
      // One conditional UPDATE wrote exactly these columns over the record as read: no need to read it back.
      return { record: withColumns(record, { ...applied.patch, updatedAt: applied.at }), confirmed: true, snapshot, scheduled: true };
    }
    return { record: (await this.repository.findById(record.id)) ?? record, confirmed: true, snapshot, scheduled: false };
  }

  /**
   * Applies a snapshot through the state machine. What Cashii said is always kept
   * (`upstreamStatus`). Another amount or currency, or a status the stored one cannot move to (paid
   * after rejected, rejected after paid, ...), flags the payment for review instead of moving it:
   * the customer's status never moves backwards on its own, a person decides. `whenUnchanged` is
   * written with a confirmation of the stored status (nothing else moves), in the same UPDATE.
   */
  async apply(
    record: PaymentOrder,
    snapshot: RemotePaymentSnapshot,
    source: PaymentEventSource,
    whenUnchanged: VerificationPatch = {},
  ): Promise<Applied> {
    const now = new Date(this.clock.now());
    const cashiiId = record.cashiiId as string;
    const said = { upstreamStatus: snapshot.rawStatus };
    const mismatch = this.mismatch(record, snapshot);
    // An operator accepted this payment as it is: the difference is known, the status may move.
    if (mismatch !== null && record.reviewResolution !== ReviewResolution.ACCEPTED_AS_PAID) {
      if (!hasOpenReview(record)) this.log.error({ cashiiId, mismatch }, 'Cashii disagrees with our order record; flagged for review');
      await this.repository.recordVerification(record.id, record.status, said, now);
      await this.repository.flagForReview(record.id, ReviewReason.AMOUNT_MISMATCH, mismatch, now);
      return { unchanged: false };
    }
    if (snapshot.status === null) {
      this.log.warn({ cashiiId, upstreamStatus: snapshot.rawStatus }, 'Cashii sent an unknown status; keeping the last known one');
      await this.repository.recordVerification(record.id, record.status, said, now);
      return { unchanged: false };
    }
    const patch: VerificationPatch = { verifiedAt: now, upstreamStatus: snapshot.rawStatus, ...storedFromCashii(snapshot, record) };
    const target = fromCashiiStatus(snapshot.status);
    const path = pathBetween(record.status, target);
    if (path === null) {
      await this.conflict(record, snapshot.rawStatus ?? snapshot.status, now);
      return { unchanged: false };
    }
    if (path.length === 0) {
      const written = { ...patch, ...whenUnchanged };
      // Cashii confirmed what is stored: asking again gives this write back, so it waits for no fsync.
      const kept = await this.repository.recordVerification(record.id, record.status, written, now, { durable: false });
      for (const listener of this.confirmations) {
        await listener(record).catch((error: unknown) =>
          this.log.error({ cashiiId, err: describeError(error) }, 'a listener failed after a confirmed status'),
        );
      }
      return kept ? { unchanged: true, patch: written, at: now } : { unchanged: false };
    }
    let from = record.status;
    for (const to of path) {
      assertTransition(from, to);
      if (!(await this.repository.transition(record.id, from, to, source, { ...patch, ...this.scheduleAfter(to, now) }, now))) {
        this.log.info({ cashiiId, from, to }, 'status changed concurrently; keeping the stored one');
        return { unchanged: false };
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
    return { unchanged: false };
  }

  /**
   * The reconciler's schedule after a step to `to`, in the same write: a pending payment keeps its
   * schedule; off the payer's page, the settled checks start over (Cashii may still change its answer).
   */
  private scheduleAfter(to: PaymentStatus, now: Date): VerificationPatch {
    if (to === PaymentStatus.PENDING) return {};
    const delay = this.freshness.settledCheckDelay(0);
    return { nextCheckAt: delay === null ? null : new Date(now.getTime() + delay), checkAttempts: 0 };
  }

  /**
   * Cashii reports a status the stored one cannot move to. The stored status stays (the customer's
   * never moves backwards on its own), Cashii's answer is kept beside it, and the payment goes to the
   * review queue, unless an operator already closed a review of this very disagreement.
   */
  private async conflict(record: PaymentOrder, reported: string, now: Date): Promise<void> {
    const cashiiId = record.cashiiId as string;
    await this.repository.recordVerification(record.id, record.status, { upstreamStatus: reported }, now);
    const known =
      record.reviewCode === ReviewReason.STATUS_CONFLICT && record.reviewResolvedAt !== null && record.upstreamStatus === reported;
    if (known || hasOpenReview(record)) return;
    this.log.error({ cashiiId, stored: record.status, reported }, 'Cashii contradicts the stored status; flagged for review');
    await this.repository.flagForReview(
      record.id,
      ReviewReason.STATUS_CONFLICT,
      `Cashii now reports "${reported}" for a payment stored as ${record.status}`,
      now,
    );
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

/** The record as one UPDATE of `columns` left it (same class, so it reads like a stored one). */
function withColumns(record: PaymentOrder, columns: Partial<PaymentOrder>): PaymentOrder {
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object) as PaymentOrder, record, columns);
}

/** Cashii's fields as the record stores them (store/payment-entity.ts's CASHII_COLUMNS): what Cashii said, else what we had. */
function storedFromCashii(snapshot: RemotePaymentSnapshot, record: PaymentOrder): Pick<PaymentOrder, CashiiColumn> {
  const stored: Partial<Record<CashiiColumn, unknown>> = {};
  // Each such column is a field of the snapshot too, with a type the column can hold (a compile error otherwise).
  const fields: { readonly [column in CashiiColumn]: PaymentOrder[column] } = snapshot;
  for (const column of CASHII_COLUMNS) stored[column] = fields[column] ?? record[column];
  return stored as Pick<PaymentOrder, CashiiColumn>;
}
