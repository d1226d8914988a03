/**
 * Per-request DataLoaders: several `payment` fields (or their `events`) in one operation become
 * one SQL query each. Cashii reads are shared across requests by PaymentSync instead.
 */
import DataLoader from 'dataloader';
import type { PaymentEventRecord } from './payment-event-entity';
import type { PaymentOrder } from './payment-entity';
import type { PaymentRepository } from './payment-repository';

export interface PaymentLoaders {
  /** Records by Cashii id. */
  readonly records: DataLoader<string, PaymentOrder | null>;
  /** Status history by record id. */
  readonly events: DataLoader<string, PaymentEventRecord[]>;
}

export function createPaymentLoaders(repository: PaymentRepository): PaymentLoaders {
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
  };
}
