/** The creator's rules for a key seen before (resume), against in-memory fakes of the store and Cashii. */
import { CashiiInvalidRequestError, CashiiUnavailableError } from '../../src/cashii';
import { normalisedCreate } from '../../src/payments/core/payment-commands';
import { PaymentCreator, requestHash } from '../../src/payments/core/payment-creator';
import { CreateState } from '../../src/payments/store/payment-values';
import { ManualClock } from '../fixtures/manual-clock';
import { FakeCashii, FakeRecorder, FakeStore, record, silentLog } from '../fixtures/payment-fakes';

const INPUT = normalisedCreate({ amount: 1000, currency: 'USD', redirectUrl: 'http://localhost:3000/back', idempotencyKey: 'key-1' });
const HASH = requestHash(INPUT);

/** Time stands still unless a test moves it. */
let clock: ManualClock;
beforeEach(() => (clock = new ManualClock()));

function setup(outcomes: Array<'ok' | Error> = [], cashiiTimeoutMs = 50) {
  const store = new FakeStore();
  const cashii = new FakeCashii(outcomes);
  const recorder = new FakeRecorder(store);
  const creator = new PaymentCreator(store, cashii, recorder, { cashiiTimeoutMs, firstCheckDelayMs: 1000, clock }, silentLog);
  return { store, cashii, recorder, creator };
}

/** A record for INPUT's key left in `createState`, last touched `ageMs` ago. */
function earlier(store: FakeStore, createState: CreateState, ageMs = 0) {
  const at = new Date(clock.now() - ageMs);
  return store.put(
    record({
      idempotencyKey: 'key-1',
      requestHash: HASH,
      createState,
      cashiiId: createState === CreateState.CREATED ? '1111222233334444' : null,
      updatedAt: at,
    }),
  );
}

describe('PaymentCreator', () => {
  it('creates once and records the id', async () => {
    const { store, cashii, creator } = setup();
    const created = await creator.create(INPUT, 'user-a');
    expect(cashii.calls).toBe(1);
    expect(store.get(created.id)).toMatchObject({ createState: CreateState.CREATED, cashiiId: created.cashiiId });
  });

  it('refuses a key used before with another input', async () => {
    const { store, cashii, creator } = setup();
    earlier(store, CreateState.CREATED);
    await expect(creator.create({ ...INPUT, amount: 2000 }, 'user-a')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(cashii.calls).toBe(0);
  });

  it('returns the created payment for a replayed key without calling Cashii', async () => {
    const { store, cashii, creator } = setup();
    const first = earlier(store, CreateState.CREATED);
    expect((await creator.create(INPUT, 'user-a')).cashiiId).toBe(first.cashiiId);
    expect(cashii.calls).toBe(0);
  });

  it.each([CreateState.FAILED, CreateState.UNKNOWN])('continues a %s create with one new Cashii call', async (state) => {
    const { store, cashii, creator } = setup();
    const first = earlier(store, state);
    const created = await creator.create(INPUT, 'user-a');
    expect(created.id).toBe(first.id);
    expect(cashii.calls).toBe(1);
    expect(store.get(first.id).createState).toBe(CreateState.CREATED);
  });

  it('records a journaled Cashii id instead of creating again', async () => {
    const { store, cashii, recorder, creator } = setup();
    const first = earlier(store, CreateState.SENDING, 60_000);
    recorder.journaled.set(first.id, '5555666677778888');
    expect((await creator.create(INPUT, 'user-a')).cashiiId).toBe('5555666677778888');
    expect(cashii.calls).toBe(0);
  });

  it('retries at once a SENDING create left by a dead process (older than twice the deadline)', async () => {
    const { store, cashii, creator } = setup([], 50);
    earlier(store, CreateState.SENDING, 1000);
    const created = await creator.create(INPUT, 'user-a');
    expect(created.createState).toBe(CreateState.CREATED);
    expect(cashii.calls).toBe(1);
  });

  it('waits for a young SENDING create of another process up to its deadline, then answers retryable', async () => {
    // Cashii's deadline 10 ms: the wait ends once 2 x 10 + 1000 ms have passed.
    const { store, cashii, creator } = setup([], 10);
    const other = earlier(store, CreateState.SENDING, 0);
    // Kept young: another replica's live call touches it every 5 ms (of the same clock).
    const touch = (): void => {
      Object.assign(store.get(other.id), { updatedAt: new Date(clock.now()) });
      clock.setTimeout(touch, 5);
    };
    touch();
    let outcome: unknown = 'waiting';
    void creator.create(INPUT, 'user-a').then(
      (created) => (outcome = created),
      (error: unknown) => (outcome = error),
    );
    await clock.advance(1000);
    // Every due step ran (the clock lets each finish before it moves on): still waiting, nothing sent.
    expect(outcome).toBe('waiting');
    expect(cashii.calls).toBe(0);
    await clock.advance(100);
    expect(outcome).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', extensions: { retryable: true } });
    expect(cashii.calls).toBe(0);
    expect(store.get(other.id).createState).toBe(CreateState.SENDING);
  });

  it('lets a concurrent duplicate share the first attempt, and its failure', async () => {
    const { cashii, creator } = setup([new CashiiUnavailableError('down', 'not-created')]);
    const [first, second] = await Promise.allSettled([creator.create(INPUT, 'user-a'), creator.create(INPUT, 'user-a')]);
    expect(first).toMatchObject({ status: 'rejected' });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(cashii.calls).toBe(1);
  });

  it('records FAILED when Cashii certainly created nothing, UNKNOWN when it may have', async () => {
    const refused = setup([new CashiiInvalidRequestError('no', 422, undefined)]);
    // The module's own coded errors (upstream-errors.ts), with Cashii's as the cause.
    await expect(refused.creator.create(INPUT, 'user-a')).rejects.toMatchObject({
      code: 'UPSTREAM_REJECTED',
      cause: expect.any(CashiiInvalidRequestError),
    });
    expect([...refused.store.rows.values()][0].createState).toBe(CreateState.FAILED);

    const timedOut = setup([new CashiiUnavailableError('timeout', 'unknown')]);
    await expect(timedOut.creator.create(INPUT, 'user-a')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      cause: expect.any(CashiiUnavailableError),
    });
    expect([...timedOut.store.rows.values()][0].createState).toBe(CreateState.UNKNOWN);
  });
});
