/** A reconciler pass over fakes: how many checks it runs at once, and what a failed check does to the pass. */
import { FreshnessPolicy } from '../../src/payments/core/freshness';
import type { PaymentSync, SyncResult } from '../../src/payments/core/payment-sync';
import { Reconciler } from '../../src/payments/core/reconciler';
import type { PaymentRepository } from '../../src/payments/store/payment-repository';
import type { PaymentOrder } from '../../src/payments/store/payment-entity';
import { ManualClock } from '../fixtures/manual-clock';
import { record, silentLog } from '../fixtures/payment-fakes';

function setup(claimed: number, refresh: (record: PaymentOrder) => Promise<SyncResult>, batches?: number[], lagging?: () => boolean) {
  const clock = new ManualClock(1_000_000);
  const due = Array.from({ length: claimed }, (_, i) =>
    record({ id: `p-${i}`, cashiiId: String(1000000000000000 + i), createdAt: new Date(clock.now()) }),
  );
  const scheduled: string[] = [];
  const repository = {
    expireSending: () => Promise.resolve(0),
    claimDue: () => Promise.resolve(batches === undefined ? due : due.slice(0, batches.shift() ?? 0)),
    countDue: () => Promise.resolve(0),
    scheduleCheck: (id: string) => Promise.resolve(void scheduled.push(id)),
    markStale: () => Promise.resolve(),
  } as unknown as PaymentRepository;
  const sync = { refresh } as unknown as PaymentSync;
  const reconciler = new Reconciler(
    repository,
    sync,
    { replay: () => Promise.resolve(0) },
    new FreshnessPolicy({ statusTtlMs: 1000, paidStatusTtlMs: 1000 }, clock),
    {
      enabled: true,
      intervalMs: 1000,
      batchSize: 20,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      horizonMs: 86_400_000,
      cashiiTimeoutMs: 5000,
      clock,
      lagging,
    },
    silentLog,
  );
  return { reconciler, scheduled, clock };
}

describe('Reconciler pass', () => {
  it('checks the claimed payments several at a time (waiting on Cashii and the database), never all of a large batch at once', async () => {
    let running = 0;
    let most = 0;
    const waiting: Array<() => void> = [];
    const { reconciler, scheduled } = setup(20, (payment) => {
      running++;
      most = Math.max(most, running);
      return new Promise((resolve) =>
        waiting.push(() => {
          running--;
          resolve({ record: payment, confirmed: true, scheduled: true });
        }),
      );
    });
    const pass = reconciler.runOnce();
    // Release the checks one turn at a time, as Cashii would answer them.
    for (let released = 0; released < 20; released++) {
      await new Promise((resolve) => setImmediate(resolve));
      waiting.shift()?.();
    }
    const report = await pass;
    expect(report).toMatchObject({ claimed: 20, unchanged: 20 });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    // Each next check went with its confirmation: nothing written after.
    expect(scheduled).toEqual([]);
  });

  it('ends the pass with the storage fault of a failed check, after the checks under way, without starting others', async () => {
    let started = 0;
    const { reconciler } = setup(20, (payment) => {
      started++;
      if (payment.id === 'p-0') return Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
      return new Promise((resolve) => setImmediate(() => resolve({ record: payment, confirmed: true, scheduled: true })));
    });
    await expect(reconciler.runOnce()).rejects.toThrow('SQLITE_IOERR');
    expect(started).toBeLessThan(20);
  });

  it('runs the next pass right away after a full batch (more are due), and an interval after one that was not full', async () => {
    const batches = [20, 20, 7, 0];
    const sizes: number[] = [];
    const { reconciler, clock } = setup(20, (payment) => Promise.resolve({ record: payment, confirmed: true, scheduled: true }), batches);
    const runOnce = reconciler.runOnce.bind(reconciler);
    reconciler.runOnce = () => runOnce().then((report) => (sizes.push(report.claimed), report));
    reconciler.start();
    await clock.advance(1000);
    // The two full batches are followed at once (no time passes) by the one that drains the backlog.
    for (let turn = 0; turn < 20 && sizes.length < 3; turn++) await clock.advance(0);
    expect(sizes).toEqual([20, 20, 7]);
    await clock.advance(999);
    expect(sizes).toEqual([20, 20, 7]);
    await clock.advance(1);
    for (let turn = 0; turn < 20 && sizes.length < 4; turn++) await clock.advance(0);
    expect(sizes).toEqual([20, 20, 7, 0]);
    await reconciler.stop();
  });

  it('while the event loop lags (clients wait), a full batch is followed by the next one an interval later, then at once again when it keeps up', async () => {
    const batches = [20, 20, 20, 20, 3];
    const sizes: number[] = [];
    let lagging = true;
    const { reconciler, clock } = setup(
      20,
      (payment) => Promise.resolve({ record: payment, confirmed: true, scheduled: true }),
      batches,
      () => lagging,
    );
    const runOnce = reconciler.runOnce.bind(reconciler);
    reconciler.runOnce = () => runOnce().then((report) => (sizes.push(report.claimed), report));
    reconciler.start();
    const settle = async (count: number) => {
      for (let turn = 0; turn < 20 && sizes.length < count; turn++) await clock.advance(0);
    };
    await clock.advance(1000);
    await settle(2);
    // Lagging: the full batch does not bring the next one at once.
    expect(sizes).toEqual([20]);
    await clock.advance(999);
    expect(sizes).toEqual([20]);
    await clock.advance(1);
    await settle(2);
    expect(sizes).toEqual([20, 20]);
    // The loop keeps up again: the backlog is drained at once.
    lagging = false;
    await clock.advance(1000);
    await settle(5);
    expect(sizes).toEqual([20, 20, 20, 20, 3]);
    await reconciler.stop();
  });
});
