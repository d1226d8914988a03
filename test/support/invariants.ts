/**
 * What must hold after every fault scenario, whatever happened: no key has two payments, every
 * payment we claim exists at Cashii once, every status move is legal and recorded, and a record
 * without a confirmed create claims nothing.
 */
import type { DataSource } from 'typeorm';
import { PaymentEventRecord } from '../../src/payments/store/payment-event-entity';
import { CreateState, PaymentOrder } from '../../src/payments/store/payment-entity';
import { PaymentStatus, canTransition } from '../../src/payments/core/payment-status';
import { CUSTOMER_EVENT_SOURCES } from '../../src/payments/store/payment-values';
import type { RunningSimulator } from '../../src/sandbox/simulator';

export async function expectInvariants(dataSource: DataSource, simulator: RunningSimulator): Promise<void> {
  const records = await dataSource.getRepository(PaymentOrder).find();
  const events = await dataSource.getRepository(PaymentEventRecord).find({ order: { at: 'ASC' } });

  const keys = records.filter((r) => r.idempotencyKey !== null).map((r) => `${r.ownerId}\u0000${r.idempotencyKey}`);
  expect(new Set(keys).size).toBe(keys.length);

  const cashiiIds = records.filter((r) => r.cashiiId !== null).map((r) => r.cashiiId);
  expect(new Set(cashiiIds).size).toBe(cashiiIds.length);

  for (const record of records) {
    // Status changes only: review and operator events leave the status as it is.
    const history = events.filter((e) => e.paymentId === record.id && CUSTOMER_EVENT_SOURCES.includes(e.source));
    if (record.createState !== CreateState.CREATED) {
      expect({ ref: record.id, cashiiId: record.cashiiId, status: record.status, events: history.length }).toEqual({
        ref: record.id,
        cashiiId: null,
        status: PaymentStatus.PENDING,
        events: 0,
      });
      continue;
    }
    expect(simulator.state.payments.has(record.cashiiId!)).toBe(true);
    expect(history[0]).toMatchObject({ fromStatus: null, toStatus: PaymentStatus.PENDING, source: 'create' });
    for (let i = 1; i < history.length; i++) {
      expect(history[i].fromStatus).toBe(history[i - 1].toStatus);
      expect(canTransition(history[i].fromStatus!, history[i].toStatus)).toBe(true);
    }
    expect(history[history.length - 1].toStatus).toBe(record.status);
  }
}

/** No stack, SQL, upstream body or key in a response body. */
export function expectNothingLeaked(text: string, secrets: string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/stacktrace|node_modules|\.ts:\d+|SELECT |INSERT |UPDATE "|Simulated HTTP|QueryFailedError/);
}
