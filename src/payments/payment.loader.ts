/**
 * Per-request DataLoaders: several `payment` fields in one operation become one SQL query, and
 * each Cashii id is read from Cashii at most once per request.
 */
import DataLoader from 'dataloader';
import type { CashiiClient, RemotePaymentSnapshot } from '../cashii';
import type { PaymentOrder } from './payment.entity';
import type { PaymentRepository } from './payment.repository';

export interface PaymentLoaders {
  readonly records: DataLoader<string, PaymentOrder | null>;
  readonly upstream: DataLoader<string, RemotePaymentSnapshot>;
}

export function createPaymentLoaders(repository: PaymentRepository, cashii: CashiiClient): PaymentLoaders {
  return {
    records: new DataLoader(async (ids) => {
      const rows = await repository.findByCashiiIds(ids);
      const byId = new Map(rows.map((row) => [row.cashiiId, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    upstream: new DataLoader((ids) => Promise.all(ids.map((id) => cashii.getRemotePayment(id).catch((error: Error) => error))), {
      batch: false,
    }),
  };
}
