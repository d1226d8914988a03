/**
 * When a stored status must be confirmed with Cashii again: the one rule used by reads, live
 * watchers, the shared refresh (PaymentSync) and the reconciler. A final status never changes; a
 * payment under review is not polled; otherwise a confirmation stays fresh for a TTL (longer for
 * PAID, which can only still become REFUNDED).
 */
import { type Clock, systemClock } from '../../common/clock';
import { type PaymentOrder, hasOpenReview } from '../store/payment-entity';
import { PaymentStatus, isFinal } from './payment-status';

export interface FreshnessOptions {
  /** A pending payment is re-confirmed when its last confirmation is older than this. */
  statusTtlMs: number;
  /** A paid payment (it may be refunded) is re-confirmed after this long. */
  paidStatusTtlMs: number;
  /**
   * After a payment leaves PENDING the reconciler still asks Cashii this many ms later, once per
   * entry (from the status change, then from each check): Cashii may change its answer (a refund,
   * or a status our record cannot move to, which goes to the review queue).
   */
  settledCheckDelaysMs?: readonly number[];
}

/** The settled checks as multiples of the reconciler's base delay (2 s by default: 1 min, 1 h, 24 h). */
export const SETTLED_CHECK_FACTORS = [30, 1800, 43_200] as const;

/** Watchers poll at least this far apart, whatever the TTL. */
const MIN_POLL_MS = 1000;

type Reviewed = Pick<PaymentOrder, 'status' | 'reviewCode' | 'reviewResolvedAt'>;
type Checked = Reviewed & Pick<PaymentOrder, 'verifiedAt'>;

export class FreshnessPolicy {
  constructor(
    private readonly options: FreshnessOptions,
    private readonly clock: Clock = systemClock,
  ) {}

  /** How long a confirmation of this payment stays fresh. */
  ttlOf(record: Pick<PaymentOrder, 'status'>): number {
    return record.status === PaymentStatus.PAID ? this.options.paidStatusTtlMs : this.options.statusTtlMs;
  }

  /** Whether the status can still change without a person (not final, not under review). */
  canChange(record: Reviewed): boolean {
    return !isFinal(record.status) && !hasOpenReview(record);
  }

  /** Confirmed with Cashii (by anyone, any replica) within the TTL. */
  isFresh(record: Checked, now = this.clock.now()): boolean {
    return record.verifiedAt !== null && now - record.verifiedAt.getTime() < this.ttlOf(record);
  }

  /** Whether a read must confirm with Cashii before answering. */
  isStale(record: Checked, now = this.clock.now()): boolean {
    return this.canChange(record) && !this.isFresh(record, now);
  }

  /** When a read would confirm this record with Cashii again (epoch ms; Infinity when nothing but a write can change it). */
  staleAt(record: Checked): number {
    if (!this.canChange(record)) return Infinity;
    return record.verifiedAt === null ? 0 : record.verifiedAt.getTime() + this.ttlOf(record);
  }

  /** How long after settled check number `done` (0: the status change itself) the next one is due; null when none is left. */
  settledCheckDelay(done: number): number | null {
    return this.options.settledCheckDelaysMs?.[done] ?? null;
  }

  /** How often a live watcher re-checks a payment that can still change. */
  get pollMs(): number {
    return Math.max(MIN_POLL_MS, this.options.statusTtlMs);
  }
}
