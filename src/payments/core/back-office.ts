/**
 * The merchant's back office: what the machine could not decide waits here for an operator. The
 * queue lists payments flagged for review (another amount, a second payment of a paid order, a
 * superseded payment that was paid, a Cashii id recovered from the journal), pending payments past
 * the reconciler's horizon, and creates whose outcome stayed unknown past the Cashii deadline.
 * Operators can read any payment or order, have a payment re-read from Cashii, and close a review
 * with a typed resolution; each action is an event in the payment's history, with the operator's
 * subject and note.
 */
import { badInput, upstreamUnavailable } from '../../common/errors';
import { type Clock, systemClock } from '../../common/clock';
import type { Logger } from '../../logger';
import type { OrderRepository } from '../store/order-repository';
import type { PaymentEventRecord } from '../store/payment-event-entity';
import type { PaymentOrder } from '../store/payment-entity';
import { inReviewQueue, queueReasonOf } from '../store/review-lifecycle';
import type { PaymentRepository } from '../store/payment-repository';
import { PaymentEventSource, PaymentStatus, ReviewReason, ReviewResolution } from '../store/payment-values';
import type { OrderSettlement } from './order-settlement';
import type { PaymentSync } from './payment-sync';

export interface ReviewItem {
  record: PaymentOrder;
  reason: ReviewReason;
}

export class BackOffice {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly orders: OrderRepository,
    private readonly sync: PaymentSync,
    private readonly settlement: OrderSettlement,
    /** A create still UNKNOWN this long after its last attempt is in the queue. */
    private readonly unknownAfterMs: number,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** One page of the queue, oldest first. */
  async queue(reason: ReviewReason | null, limit: number, after: { createdAtMs: number; id: string } | null): Promise<ReviewItem[]> {
    const rows = await this.payments.reviewQueue(reason, limit, after, this.unknownBefore());
    return rows.map((record) => ({ record, reason: queueReasonOf(record) }));
  }

  counts(): Promise<Record<ReviewReason, number>> {
    return this.payments.reviewQueueCounts(this.unknownBefore());
  }

  /** Why the record is in the queue now; null when it is not. */
  queueEntry(record: PaymentOrder): ReviewReason | null {
    return inReviewQueue(record, this.unknownBefore()) ? queueReasonOf(record) : null;
  }

  /** A payment by Cashii id or by our reference, whoever owns it. */
  async find(idOrReference: string): Promise<PaymentOrder | null> {
    if (/^[0-9]{16}$/.test(idOrReference)) return (await this.payments.findByCashiiIds([idOrReference]))[0] ?? null;
    return this.payments.findById(idOrReference);
  }

  history(record: PaymentOrder): Promise<PaymentEventRecord[]> {
    return this.payments.eventsFor([record.id]);
  }

  /** Re-reads the payment from Cashii now and notes who asked. */
  async recheck(idOrReference: string, operator: string): Promise<PaymentOrder> {
    const record = await this.require(idOrReference);
    if (record.cashiiId === null) throw badInput('id', 'This create never reached Cashii: there is nothing to re-read');
    // A status change it finds is the customer's to see (a read); the operator's own event follows.
    const { record: after, confirmed, snapshot } = await this.sync.refresh(record, PaymentEventSource.READ, { ifStale: false });
    if (!confirmed) throw upstreamUnavailable(true);
    // The note says what Cashii answered now (its own word), beside what the record holds after it.
    const answered = snapshot?.rawStatus ?? after.upstreamStatus ?? 'no status';
    const held = after.status.toLowerCase() === answered ? '' : ` (the record stays ${after.status})`;
    await this.payments.appendOperatorEvent(
      record.id,
      after.status,
      PaymentEventSource.OPERATOR_RECHECK,
      operator,
      `Re-read from Cashii: ${answered}${held}`,
      new Date(this.clock.now()),
    );
    return (await this.payments.findById(record.id)) ?? after;
  }

  /** Closes the payment's review; it leaves the queue. An accepted payment may then pay its order. */
  async resolve(idOrReference: string, resolution: ReviewResolution, note: string, operator: string): Promise<PaymentOrder> {
    const record = await this.require(idOrReference);
    if (!inReviewQueue(record, this.unknownBefore())) throw badInput('id', 'This payment has no open review');
    if (resolution === ReviewResolution.ACCEPTED_AS_PAID && record.reviewCode === ReviewReason.DUPLICATE_PAYMENT) {
      throw badInput('resolution', 'Its order is paid by another payment: this one can only be refunded or written off');
    }
    if (!(await this.payments.resolveReview(record.id, resolution, operator, note, new Date(this.clock.now())))) {
      throw badInput('id', 'This payment has no open review');
    }
    this.log.warn({ cashiiId: record.cashiiId, reference: record.id, resolution, operator }, 'review resolved by an operator');
    const resolved = (await this.payments.findById(record.id))!;
    if (resolution === ReviewResolution.ACCEPTED_AS_PAID && resolved.status === PaymentStatus.PAID) {
      await this.settlement.paid(resolved, { acceptSuperseded: true });
    }
    return (await this.payments.findById(record.id))!;
  }

  /** An order of any owner. */
  order(ownerId: string, orderId: string) {
    return this.orders.find(ownerId, orderId);
  }

  private async require(idOrReference: string): Promise<PaymentOrder> {
    const record = await this.find(idOrReference);
    if (!record) throw badInput('id', 'No payment matches this id');
    return record;
  }

  private unknownBefore(): Date {
    return new Date(this.clock.now() - this.unknownAfterMs);
  }
}
