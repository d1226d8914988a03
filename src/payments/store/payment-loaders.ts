/**
 * Per-request DataLoaders: the reads of one operation's fields become one SQL query per kind,
 * however many payments a page shows (records, their events, their orders and the orders'
 * payments). Cashii reads are shared across requests by PaymentSync instead.
 */
import DataLoader from 'dataloader';
import type { MerchantOrder } from './order-entity';
import type { OrderRepository } from './order-repository';
import type { PaymentEventRecord } from './payment-event-entity';
import type { PaymentOrder } from './payment-entity';
import type { PaymentRepository } from './payment-repository';

/** An order as a customer names it: the owner and the reference (any spelling of it). */
export interface OrderName {
  ownerId: string;
  orderId: string;
}

export interface PaymentLoaders {
  /** Records by Cashii id. */
  readonly records: DataLoader<string, PaymentOrder | null>;
  /** Status history by record id. */
  readonly events: DataLoader<string, PaymentEventRecord[]>;
  /** Orders by owner and reference. */
  readonly orders: DataLoader<OrderName, MerchantOrder | null, string>;
  /** The payments of an order (by owner and its stored reference), newest first. */
  readonly orderPayments: DataLoader<OrderName, PaymentOrder[], string>;
}

const orderNameKey = ({ ownerId, orderId }: OrderName) => `${ownerId}\u0000${orderId}`;

export function createPaymentLoaders(repository: PaymentRepository, orders: OrderRepository): PaymentLoaders {
  return {
    records: new DataLoader(async (ids) => {
      const rows = await repository.findByCashiiIds(ids);
      const byId = new Map(rows.map((row) => [row.cashiiId, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    events: new DataLoader(async (ids) => {
      const rows = await repository.eventsFor(ids);
      return ids.map((id) => rows.filter((row) => row.paymentId === id));
    }),
    orders: new DataLoader((names) => orders.findMany(names), { cacheKeyFn: orderNameKey }),
    orderPayments: new DataLoader((names) => repository.paymentsOfOrders(names), { cacheKeyFn: orderNameKey }),
  };
}
