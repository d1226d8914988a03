/** What a paid payment means for its order, against in-memory fakes of the order and payment stores. */
import { OrderSettlement } from '../../src/payments/core/order-settlement';
import type { MerchantOrder } from '../../src/payments/store/order-entity';
import { PaymentStatus, ReviewReason } from '../../src/payments/store/payment-values';
import { FakeStore, record, silentLog } from '../fixtures/payment-fakes';

function setup() {
  const payments = new FakeStore();
  const order: MerchantOrder = {
    id: 'order-row-1',
    ownerId: 'user-a',
    orderId: 'cart-7',
    orderKey: 'cart-7',
    activePaymentId: null,
    paidPaymentId: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  const orders = {
    ensure: () => Promise.resolve(order),
    // The conditional UPDATE: only the first payer sticks.
    settlePaid: (_id: string, paymentId: string) => Promise.resolve((order.paidPaymentId ??= paymentId)),
  };
  return { payments, order, settlement: new OrderSettlement(orders, payments, silentLog) };
}

const first = record({
  id: '00000000-0000-4000-8000-0000000000a1',
  cashiiId: '1000000000000001',
  orderId: 'cart-7',
  status: PaymentStatus.PAID,
});
const second = record({
  id: '00000000-0000-4000-8000-0000000000a2',
  cashiiId: '1000000000000002',
  orderId: 'cart-7',
  status: PaymentStatus.PAID,
});

describe('OrderSettlement', () => {
  it('lets the first paid payment pay the order and queues a second one to be refunded', async () => {
    const { payments, order, settlement } = setup();
    payments.put(first);
    payments.put(second);
    await settlement.paid(first);
    await settlement.paid(second);
    expect(order.paidPaymentId).toBe(first.id);
    expect(payments.flagged).toEqual([
      { id: second.id, reason: 'Order cart-7 was already paid by payment 1000000000000001: refund this payment' },
    ]);
    expect(payments.get(second.id).reviewCode).toBe(ReviewReason.DUPLICATE_PAYMENT);
  });

  it('queues a superseded payment that got paid, without letting it pay the order', async () => {
    const { payments, order, settlement } = setup();
    const superseded = payments.put(record({ ...first, supersededAt: new Date() }));
    await settlement.paid(superseded);
    expect(order.paidPaymentId).toBeNull();
    expect(payments.get(superseded.id).reviewCode).toBe(ReviewReason.SUPERSEDED_PAID);
  });

  it('lets an operator accept a superseded payment as the one that paid the order', async () => {
    const { payments, order, settlement } = setup();
    const superseded = payments.put(record({ ...first, supersededAt: new Date() }));
    await settlement.paid(superseded, { acceptSuperseded: true });
    expect(order.paidPaymentId).toBe(superseded.id);
    expect(payments.flagged).toEqual([]);
  });

  it('ignores payments without an order', async () => {
    const { payments, settlement } = setup();
    await settlement.paid(payments.put(record({ orderId: null })));
    expect(payments.flagged).toEqual([]);
  });
});
