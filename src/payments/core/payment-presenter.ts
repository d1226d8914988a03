/**
 * Records to views, for both doors: a payment as its customer sees it, an order with its payments
 * (a page's orders read together through the request's batch), and a payment as operators see it.
 */
import type { MerchantOrder } from '../store/order-entity';
import type { PaymentLoaders } from '../store/payment-loaders';
import type { PaymentOrder } from '../store/payment-entity';
import type { PaymentRepository } from '../store/payment-repository';
import type { ReviewReason } from '../store/payment-values';
import { type OrderView, toOrderView } from './order-view';
import { type PaymentView, type ReviewedPaymentView, toPaymentView, toReviewedPaymentView } from './payment-view';

export class PaymentPresenter {
  constructor(
    private readonly repository: Pick<PaymentRepository, 'paymentsOfOrder'>,
    /** Cashii's hosted payment page, for `paymentUrl`. */
    private readonly paymentPageUrl: string,
  ) {}

  payment(record: PaymentOrder): PaymentView {
    return toPaymentView(record, this.paymentPageUrl);
  }

  async order(order: MerchantOrder, batch?: PaymentLoaders): Promise<OrderView> {
    const name = { ownerId: order.ownerId, orderId: order.orderId };
    const payments = batch ? await batch.orderPayments.load(name) : await this.repository.paymentsOfOrder(name.ownerId, name.orderId);
    return toOrderView(order, payments, (record) => this.payment(record));
  }

  reviewed(record: PaymentOrder, queueReason: ReviewReason | null): ReviewedPaymentView {
    return toReviewedPaymentView(record, queueReason, this.paymentPageUrl);
  }
}
