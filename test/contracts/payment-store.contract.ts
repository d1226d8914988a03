/**
 * What the payment store promises its callers (creator, sync), as one suite that runs against the
 * real PaymentRepository (test/integration/payment-store.contract.test.ts, on both databases) and
 * against the unit tests' FakeStore (test/unit/payment-store.contract.test.ts): a fake that
 * passes it keeps the real store's rules.
 */
import { randomUUID } from 'node:crypto';
import type { CreatorStore } from '../../src/payments/core/payment-creator';
import type { SyncStore } from '../../src/payments/core/payment-sync';
import { CreateState, PaymentEventSource, PaymentStatus, ReviewReason } from '../../src/payments/store/payment-values';
import { record } from '../fixtures/payment-fakes';

export type ContractStore = CreatorStore & SyncStore;

let next = 1_000_000_000_000_000;
function fresh(overrides: Parameters<typeof record>[0] = {}) {
  return record({ id: randomUUID(), cashiiId: String(next++), idempotencyKey: null, ...overrides });
}

export function paymentStoreContract(name: string, open: () => Promise<{ store: ContractStore; close(): Promise<void> }>): void {
  describe(`the payment store contract: ${name}`, () => {
    let store: ContractStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(() => close());
    const at = (ms: number) => new Date(1_700_000_000_000 + ms);

    it('reads back what it stored, by id and by owner and key, and refuses a second record for one key', async () => {
      const key = `key-${randomUUID()}`;
      const first = fresh({ idempotencyKey: key, amount: 4321 });
      await store.insert(first);
      expect(await store.findById(first.id)).toMatchObject({ id: first.id, amount: 4321, status: PaymentStatus.PENDING });
      expect((await store.findByIdempotencyKey(first.ownerId, key))?.id).toBe(first.id);
      expect(await store.findByIdempotencyKey('someone-else', key)).toBeNull();
      await expect(store.insert(fresh({ idempotencyKey: key }))).rejects.toThrow();
      expect(await store.findById(randomUUID())).toBeNull();
    });

    it('moves a status only from the one it is asked to move from', async () => {
      const payment = fresh();
      await store.insert(payment);
      expect(await store.transition(payment.id, PaymentStatus.PAID, PaymentStatus.REFUNDED, PaymentEventSource.READ, {}, at(1))).toBe(
        false,
      );
      expect(
        await store.transition(
          payment.id,
          PaymentStatus.PENDING,
          PaymentStatus.PAID,
          PaymentEventSource.READ,
          { upstreamStatus: 'paid' },
          at(2),
        ),
      ).toBe(true);
      expect(await store.findById(payment.id)).toMatchObject({ status: PaymentStatus.PAID, upstreamStatus: 'paid', updatedAt: at(2) });
      expect(await store.recordVerification(payment.id, PaymentStatus.PENDING, { verifiedAt: at(3) }, at(3))).toBe(false);
      expect(await store.recordVerification(payment.id, PaymentStatus.PAID, { verifiedAt: at(4) }, at(4))).toBe(true);
      expect((await store.findById(payment.id))?.verifiedAt).toEqual(at(4));
    });

    it('answers each of the verifications of one turn for its own row, leaves a column given as undefined alone, and keeps the later of two for one payment', async () => {
      const [a, b, c] = [fresh({ nextCheckAt: at(50) }), fresh({ nextCheckAt: at(50) }), fresh({ nextCheckAt: at(50) })];
      for (const payment of [a, b, c]) await store.insert(payment);
      const results = await Promise.all([
        store.recordVerification(
          a.id,
          PaymentStatus.PENDING,
          { verifiedAt: at(10), upstreamStatus: 'pending', nextCheckAt: undefined },
          at(10),
        ),
        store.recordVerification(b.id, PaymentStatus.PAID, { verifiedAt: at(10) }, at(10)),
        store.recordVerification(c.id, PaymentStatus.PENDING, { verifiedAt: at(10), checkAttempts: 1, nextCheckAt: at(60) }, at(10)),
        store.recordVerification(c.id, PaymentStatus.PENDING, { verifiedAt: at(11), checkAttempts: 2 }, at(11)),
      ]);
      expect(results).toEqual([true, false, true, true]);
      expect(await store.findById(a.id)).toMatchObject({
        verifiedAt: at(10),
        upstreamStatus: 'pending',
        nextCheckAt: at(50),
        updatedAt: at(10),
      });
      expect((await store.findById(b.id))?.verifiedAt).toEqual(b.verifiedAt);
      expect(await store.findById(c.id)).toMatchObject({ verifiedAt: at(11), checkAttempts: 2, nextCheckAt: at(60), updatedAt: at(11) });
    });

    it('keeps the first reason of a review while it is open, and stops polling a flagged payment', async () => {
      const payment = fresh({ nextCheckAt: at(100) });
      await store.insert(payment);
      await store.flagForReview(payment.id, ReviewReason.STATUS_CONFLICT, 'first reason', at(5));
      await store.flagForReview(payment.id, ReviewReason.AMOUNT_MISMATCH, 'second reason', at(6));
      expect(await store.findById(payment.id)).toMatchObject({
        reviewCode: ReviewReason.STATUS_CONFLICT,
        reviewReason: 'first reason',
        nextCheckAt: null,
      });
    });

    it('records a create outcome only on a create being sent, and lets one retry claim it', async () => {
      const sending = fresh({ cashiiId: null, createState: CreateState.SENDING, updatedAt: at(0) });
      await store.insert(sending);
      await store.markCreateOutcome(sending.id, CreateState.FAILED, at(1));
      await store.markCreateOutcome(sending.id, CreateState.UNKNOWN, at(2));
      expect((await store.findById(sending.id))?.createState).toBe(CreateState.FAILED);
      expect(await store.claimCreateRetry(sending.id, CreateState.UNKNOWN, at(3))).toBe(false);
      expect(await store.claimCreateRetry(sending.id, CreateState.FAILED, at(3))).toBe(true);
      expect(await store.claimCreateRetry(sending.id, CreateState.FAILED, at(4))).toBe(false);
      expect((await store.findById(sending.id))?.createState).toBe(CreateState.SENDING);
    });

    it('marks as UNKNOWN only creates still being sent since before the cutoff', async () => {
      const old = fresh({ cashiiId: null, createState: CreateState.SENDING, updatedAt: at(10) });
      const young = fresh({ cashiiId: null, createState: CreateState.SENDING, updatedAt: at(30) });
      const done = fresh({ updatedAt: at(10) });
      for (const row of [old, young, done]) await store.insert(row);
      expect(await store.expireSending(at(20), at(40), old.id)).toBe(1);
      expect(await store.expireSending(at(20), at(40), young.id)).toBe(0);
      expect(await store.expireSending(at(20), at(40), done.id)).toBe(0);
      expect((await store.findById(old.id))?.createState).toBe(CreateState.UNKNOWN);
      expect((await store.findById(young.id))?.createState).toBe(CreateState.SENDING);
    });

    it("keeps the first verified return's transaction id", async () => {
      const payment = fresh();
      await store.insert(payment);
      await store.recordReturn(payment.id, { transactionId: null, signature: 'sig-0', claimedStatus: 'paid' }, at(1));
      await store.recordReturn(payment.id, { transactionId: 'tx-1', signature: 'sig-1', claimedStatus: 'paid' }, at(2));
      await store.recordReturn(payment.id, { transactionId: 'tx-2', signature: 'sig-2', claimedStatus: 'paid' }, at(3));
      expect(await store.findById(payment.id)).toMatchObject({ transactionId: 'tx-1', returnSignature: 'sig-1' });
    });
  });
}
