/** The sync's rules for applying what Cashii reports, against in-memory fakes of the store and Cashii. */
import { FreshnessPolicy } from '../../src/payments/core/freshness';
import { PaymentSync } from '../../src/payments/core/payment-sync';
import { PaymentEventSource, PaymentStatus } from '../../src/payments/store/payment-values';
import { FakeStore, record, silentLog, snapshot } from '../fixtures/payment-fakes';

function setup(stored = record()) {
  const store = new FakeStore();
  store.put(stored);
  let answer = snapshot();
  const cashii = { gets: 0, getRemotePayment: () => (cashii.gets++, Promise.resolve(answer)) };
  const sync = new PaymentSync(store, cashii, new FreshnessPolicy({ statusTtlMs: 60_000, paidStatusTtlMs: 60_000 }), silentLog);
  const changes: string[] = [];
  sync.onTransition((_r, from, to, source) => void changes.push(`${from}->${to} (${source})`));
  return { store, cashii, sync, changes, answer: (next: ReturnType<typeof snapshot>) => (answer = next) };
}

describe('PaymentSync.apply', () => {
  it('moves along every legal step to what Cashii reports (PENDING -> PAID -> REFUNDED), notifying each', async () => {
    const { store, sync, changes } = setup();
    await sync.apply(
      store.get(record().id),
      snapshot({ status: 'refunded', rawStatus: 'refunded', from: '1111000011110000' }),
      PaymentEventSource.READ,
    );
    expect(changes).toEqual(['PENDING->PAID (read)', 'PAID->REFUNDED (read)']);
    expect(store.get(record().id)).toMatchObject({ status: PaymentStatus.REFUNDED, from: '1111000011110000', upstreamStatus: 'refunded' });
  });

  it('keeps a committed change when a listener fails after it (the answer is not turned into an error)', async () => {
    const { store, sync, changes } = setup();
    sync.onTransition(() => Promise.reject(new Error('SQLITE_FULL while settling the order')));
    await expect(sync.apply(store.get(record().id), snapshot({ status: 'paid' }), PaymentEventSource.READ)).resolves.toEqual({
      unchanged: false,
    });
    expect(changes).toEqual(['PENDING->PAID (read)']);
    expect(store.get(record().id).status).toBe(PaymentStatus.PAID);
  });

  it('never moves backwards: a late pending after paid is ignored', async () => {
    const { store, sync, changes } = setup(record({ status: PaymentStatus.PAID }));
    await sync.apply(store.get(record().id), snapshot({ status: 'pending' }), PaymentEventSource.RECONCILE);
    expect(changes).toEqual([]);
    expect(store.get(record().id).status).toBe(PaymentStatus.PAID);
  });

  it('flags another amount or currency for review instead of moving the status', async () => {
    const { store, sync, changes } = setup();
    await sync.apply(store.get(record().id), snapshot({ status: 'paid', amount: 999 }), PaymentEventSource.READ);
    expect(changes).toEqual([]);
    expect(store.flagged).toEqual([{ id: record().id, reason: 'Cashii reports amount 999, the order says 1000' }]);
    // While that review is open its first reason stays (the store's contract); another currency on a payment not in review is flagged as such.
    await sync.apply(store.get(record().id), snapshot({ status: 'paid', currency: 'EUR' }), PaymentEventSource.READ);
    expect(store.flagged).toHaveLength(1);
    const other = setup();
    await other.sync.apply(other.store.get(record().id), snapshot({ status: 'paid', currency: 'EUR' }), PaymentEventSource.READ);
    expect(other.store.flagged).toEqual([{ id: record().id, reason: 'Cashii reports currency EUR, the order says USD' }]);
  });

  it('keeps the last known status when Cashii sends one it does not know, and stores the raw value', async () => {
    const { store, sync, changes } = setup();
    await sync.apply(store.get(record().id), snapshot({ status: null, rawStatus: 'on_hold' }), PaymentEventSource.READ);
    expect(changes).toEqual([]);
    expect(store.get(record().id)).toMatchObject({ status: PaymentStatus.PENDING, upstreamStatus: 'on_hold' });
  });

  it('only records the confirmation when nothing changed', async () => {
    const { store, sync, changes } = setup(record({ verifiedAt: new Date(0) }));
    await sync.apply(store.get(record().id), snapshot(), PaymentEventSource.READ);
    expect(changes).toEqual([]);
    expect(store.get(record().id).verifiedAt!.getTime()).toBeGreaterThan(0);
  });

  it('stops when another writer moved the payment first', async () => {
    const { store, sync, changes } = setup();
    const stale = store.get(record().id);
    store.get(record().id).status = PaymentStatus.CANCELED;
    await sync.apply(
      Object.assign(Object.create(Object.getPrototypeOf(stale) as object) as typeof stale, stale, { status: PaymentStatus.PENDING }),
      snapshot({ status: 'paid' }),
      PaymentEventSource.READ,
    );
    expect(changes).toEqual([]);
    expect(store.get(record().id).status).toBe(PaymentStatus.CANCELED);
  });
});

describe('PaymentSync.refresh', () => {
  it('asks Cashii once for concurrent callers, and not at all when the stored confirmation is fresh', async () => {
    const { store, cashii, sync, answer } = setup(record({ verifiedAt: new Date(0) }));
    answer(snapshot({ status: 'paid' }));
    const stale = store.get(record().id);
    const results = await Promise.all([1, 2, 3].map(() => sync.refresh(stale, PaymentEventSource.READ, { ifStale: true })));
    expect(cashii.gets).toBe(1);
    expect(results.every((result) => result.record.status === PaymentStatus.PAID)).toBe(true);
    await sync.refresh(stale, PaymentEventSource.READ, { ifStale: true });
    expect(cashii.gets).toBe(1);
    await sync.refresh(stale, PaymentEventSource.RETURN, { ifStale: false });
    expect(cashii.gets).toBe(2);
  });

  it("writes the caller's next check with a confirmation of the stored status, in that one write, and answers it without a read back", async () => {
    const { store, cashii, sync } = setup(record({ verifiedAt: new Date(0), checkAttempts: 2 }));
    const next = { nextCheckAt: new Date(1_000_000), checkAttempts: 3 };
    let reads = 0;
    const findById = store.findById.bind(store);
    store.findById = (id) => (reads++, findById(id));
    const result = await sync.refresh(store.get(record().id), PaymentEventSource.RECONCILE, { ifStale: false, whenUnchanged: next });
    expect(cashii.gets).toBe(1);
    expect(result).toMatchObject({ confirmed: true, scheduled: true, record: { status: PaymentStatus.PENDING, ...next } });
    expect(store.get(record().id)).toMatchObject({ status: PaymentStatus.PENDING, ...next });
    expect(result.record.verifiedAt!.getTime()).toBe(store.get(record().id).verifiedAt!.getTime());
    expect(reads).toBe(0);
  });

  it('leaves the next check to the caller when the status moved (the move sets its own schedule) or Cashii was not reached', async () => {
    const { store, sync, answer } = setup(record({ verifiedAt: new Date(0) }));
    answer(snapshot({ status: 'paid' }));
    const next = { nextCheckAt: new Date(1_000_000), checkAttempts: 1 };
    const moved = await sync.refresh(store.get(record().id), PaymentEventSource.RECONCILE, { ifStale: false, whenUnchanged: next });
    expect(moved).toMatchObject({ confirmed: true, scheduled: false, record: { status: PaymentStatus.PAID } });
    expect(store.get(record().id).nextCheckAt?.getTime()).not.toBe(next.nextCheckAt.getTime());

    const down = setup(record({ verifiedAt: new Date(0) }));
    down.cashii.getRemotePayment = () => Promise.reject(new Error('ECONNRESET'));
    const unreached = await down.sync.refresh(down.store.get(record().id), PaymentEventSource.RECONCILE, {
      ifStale: false,
      whenUnchanged: next,
    });
    expect(unreached.confirmed).toBe(false);
    expect(unreached.scheduled).toBeUndefined();
  });
});
