/** The watchers' caps and sharing, against in-memory fakes of the store, the sync and the bus. */
import { FreshnessPolicy } from '../../src/payments/core/freshness';
import { PaymentWatchers } from '../../src/payments/core/payment-watchers';
import { toPaymentView } from '../../src/payments/core/payment-view';
import { PaymentStatus } from '../../src/payments/store/payment-values';
import { FakeStore, record, silentLog } from '../fixtures/payment-fakes';
import { ManualClock } from '../fixtures/manual-clock';

function setup(maxPerViewer = 2) {
  const store = new FakeStore();
  const listeners = new Map<string, Set<() => void>>();
  const bus = {
    subscriptions: 0,
    subscribe(cashiiId: string, listener: () => void) {
      bus.subscriptions++;
      const set = listeners.get(cashiiId) ?? new Set();
      listeners.set(cashiiId, set.add(listener));
      return () => set.delete(listener);
    },
  };
  const clock = new ManualClock();
  // A Cashii check: counted; while `hold` is set it waits for the test to release it.
  const sync = {
    refreshes: 0,
    running: 0,
    most: 0,
    hold: null as Promise<void> | null,
    async refresh() {
      sync.refreshes++;
      sync.most = Math.max(sync.most, ++sync.running);
      try {
        await sync.hold;
      } finally {
        sync.running--;
      }
      return null as never;
    },
  };
  const watchers = new PaymentWatchers(
    store,
    sync,
    bus,
    new FreshnessPolicy({ statusTtlMs: 60_000, paidStatusTtlMs: 60_000 }, clock),
    { maxPerViewer, present: (row) => toPaymentView(row, 'https://cashii.example/payment') },
    silentLog,
    clock,
  );
  const announce = (cashiiId: string) => listeners.get(cashiiId)?.forEach((listener) => listener());
  return { store, bus, watchers, listeners, announce, clock, sync };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('PaymentWatchers', () => {
  it('caps live subscriptions per viewer (silent ones included) and frees a slot when one closes', async () => {
    const { store, watchers } = setup(2);
    const a = store.put(record());
    const first = watchers.watch(a, 'user-a');
    watchers.silent('user-a');
    expect(() => watchers.watch(a, 'user-a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as Error);
    expect(() => watchers.watch(a, 'user-b')).not.toThrow();
    await first.return();
    expect(() => watchers.watch(a, 'user-a')).not.toThrow();
  });

  it('gives one payment one bus listener however many watch it, and drops it with the last', async () => {
    const { store, bus, watchers, listeners } = setup(10);
    const a = store.put(record());
    const channels = [watchers.watch(a, 'user-a'), watchers.watch(a, 'user-b'), watchers.watch(a, 'user-c')];
    expect(bus.subscriptions).toBe(1);
    for (const channel of channels) await channel.return();
    expect(listeners.get(a.cashiiId!)?.size ?? 0).toBe(0);
  });

  it('starts with the payment as it is, then pushes only forward moves', async () => {
    const { store, watchers, announce } = setup();
    const a = store.put(record());
    const channel = watchers.watch(a, 'user-a');
    expect((await channel.next()).value).toMatchObject({ status: PaymentStatus.PENDING });
    store.get(a.id).status = PaymentStatus.PAID;
    announce(a.cashiiId!);
    expect((await channel.next()).value).toMatchObject({ status: PaymentStatus.PAID });
    store.get(a.id).status = PaymentStatus.PENDING; // a late, replayed answer
    announce(a.cashiiId!);
    await flush();
    store.get(a.id).status = PaymentStatus.REFUNDED;
    announce(a.cashiiId!);
    expect((await channel.next()).value).toMatchObject({ status: PaymentStatus.REFUNDED });
  });

  it('polls a payment that can still change once per TTL on the clock, never a final one, and stops with the last watcher', async () => {
    const { store, watchers, clock, sync } = setup(10);
    const pending = store.put(record({ id: '00000000-0000-4000-8000-00000000000a', cashiiId: '1000000000000001' }));
    const channel = watchers.watch(pending, 'user-a');
    watchers.watch(
      store.put(record({ id: '00000000-0000-4000-8000-00000000000b', cashiiId: '1000000000000002', status: PaymentStatus.REJECTED })),
      'user-b',
    );
    // Were the final one polled, this stale PENDING row would be checked with Cashii too.
    Object.assign(store.get('00000000-0000-4000-8000-00000000000b'), { status: PaymentStatus.PENDING, verifiedAt: new Date(0) });
    await clock.advance(59_999);
    expect(sync.refreshes).toBe(0); // confirmed just now: fresh for its TTL
    await clock.advance(1);
    expect(sync.refreshes).toBe(1);
    await clock.advance(60_000);
    expect(sync.refreshes).toBe(2);
    await channel.return();
    await clock.advance(10 * 60_000);
    expect(sync.refreshes).toBe(2);
  });

  it('never stacks checks of one payment behind a slow Cashii: the next poll is armed when the last has finished', async () => {
    const { store, watchers, clock, sync } = setup(10);
    watchers.watch(store.put(record()), 'user-a');
    let release!: () => void;
    sync.hold = new Promise((resolve) => (release = resolve));
    await clock.advance(60_000);
    expect(sync.running).toBe(1);
    await clock.advance(5 * 60_000); // five TTLs with the check still out
    expect(sync.refreshes).toBe(1);
    release();
    sync.hold = null;
    await flush();
    await clock.advance(60_000);
    expect(sync.refreshes).toBe(2);
    expect(sync.most).toBe(1);
  });

  it('stops polling once the payment is final', async () => {
    const { store, watchers, clock, sync, announce } = setup(10);
    const a = store.put(record());
    const channel = watchers.watch(a, 'user-a');
    await channel.next();
    store.get(a.id).status = PaymentStatus.REFUNDED;
    announce(a.cashiiId!);
    expect((await channel.next()).value).toMatchObject({ status: PaymentStatus.REFUNDED });
    // Were it still polled, a stale PENDING row would be checked with Cashii.
    Object.assign(store.get(a.id), { status: PaymentStatus.PENDING, verifiedAt: new Date(0) });
    await clock.advance(10 * 60_000);
    expect(sync.refreshes).toBe(0);
  });
});
