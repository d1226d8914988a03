/** What clients see of a merchant's order: its status in words a screen can show, and its payments. */
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { OrderStatus, type OrderView } from '../core/order-view';
import { RemotePayment } from './payment-types';

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where an order stands; it is paid at most once.',
  valuesConfig: {
    UNPAID: { description: 'No payment is waiting: none yet, or the last one was canceled, rejected or failed.' },
    AWAITING_PAYMENT: { description: 'A payment was handed out (resume it with its paymentUrl); Cashii has not seen it paid yet.' },
    PAID: { description: 'Paid, as confirmed with Cashii. A new payment for this order is refused with ORDER_ALREADY_PAID.' },
    REFUNDED: { description: 'Paid, then refunded.' },
    NEEDS_REVIEW: {
      description: "One of its payments waits for the merchant's operators (another amount, a second payment to refund, ...).",
    },
  },
});

@ObjectType({ description: "The merchant's order (createRemotePayment's orderId) and every attempt to pay it." })
export class Order implements OrderView {
  @Field({ description: "The merchant's own order reference." })
  orderId: string;

  @Field(() => OrderStatus, { description: 'Where the order stands.' })
  status: OrderStatus;

  @Field(() => [RemotePayment], { description: 'Every payment of this order that reached Cashii, newest first.' })
  payments: RemotePayment[];

  @Field(() => RemotePayment, { nullable: true, description: 'The payment that paid this order; null until one did.' })
  paidPayment: RemotePayment | null;

  @Field({ description: 'When the first payment for this order was asked for.' })
  createdAt: Date;

  @Field({ description: 'When the order last changed (a new attempt, a payment).' })
  updatedAt: Date;
}
