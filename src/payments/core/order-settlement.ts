/**
 * What a paid payment means for its order. The first payment to reach PAID pays the order (a
 * conditional UPDATE decides between concurrent ones); a later one, or one that a newer payment
 * had superseded, goes to the review queue to be refunded: the order counts as paid once.
 */
import { type Clock, systemClock } from '../../common/clock';
import type { Logger } from '../../logger';
import type { OrderRepository } from '../store/order-repository';
import type { PaymentOrder } from '../store/payment-entity';
import type { PaymentRepository } from '../store/payment-repository';
import { PaymentStatus, ReviewReason } from '../store/payment-values';

export class OrderSettlement {
  constructor(
    private readonly orders: Pick<OrderRepository, 'ensure' | 'settlePaid'>,
    private readonly payments: Pick<PaymentRepository, 'findById' | 'flagForReview'>,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Called once a payment of an order became PAID (or is accepted as paid by an operator); again,
   * with `heal`, whenever Cashii confirms it is still paid, to redo a settlement lost to a fault
   * (idempotent: the payer stays the payer, an open flag stays; a payment a person reviewed is left to them).
   */
  async paid(seen: PaymentOrder, { acceptSuperseded = false, heal = false } = {}): Promise<void> {
    if (seen.orderId === null) return;
    // The copy a listener holds was read before the Cashii call: the cart may have changed since.
    const record = (await this.payments.findById(seen.id)) ?? seen;
    if (record.orderId === null) return;
    if (heal && (record.reviewCode !== null || record.status !== PaymentStatus.PAID)) return;
    const now = new Date(this.clock.now());
    const order = await this.orders.ensure(record.ownerId, record.orderId, now);
    // Already its order's payer (the usual case when a confirmation heals): nothing to write.
    if (order.paidPaymentId === record.id) return;
    if (record.supersededAt !== null && !acceptSuperseded) {
      this.log.error({ cashiiId: record.cashiiId, orderId: record.orderId }, 'a superseded payment was paid: it must be refunded');
      await this.payments.flagForReview(
        record.id,
        ReviewReason.SUPERSEDED_PAID,
        `Paid after a newer payment replaced it for order ${record.orderId} (the cart changed): refund this payment`,
        now,
      );
      return;
    }
    const payer = await this.orders.settlePaid(order.id, record.id, now);
    if (payer === record.id) return;
    const first = await this.payments.findById(payer);
    this.log.error(
      { cashiiId: record.cashiiId, paidBy: first?.cashiiId, orderId: record.orderId },
      'an order was paid twice: the later payment must be refunded',
    );
    await this.payments.flagForReview(
      record.id,
      ReviewReason.DUPLICATE_PAYMENT,
      `Order ${record.orderId} was already paid by payment ${first?.cashiiId ?? payer}: refund this payment`,
      now,
    );
  }
}
