/**
 * The payment lifecycle under faults, on each database: idempotency, confirmed returns, the state
 * machine under late and forged answers, review of mismatches, the breaker, the reconciler.
 * The invariants are checked after every scenario.
 */
import { CashiiClient } from '../../src/cashii';
import { Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { PaymentSync } from '../../src/payments/core/payment-sync';
import { FreshnessPolicy } from '../../src/payments/core/freshness';
import { PaymentEventSource } from '../../src/payments/core/payment-view';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { ManualClock } from '../fixtures/manual-clock';
import { describeEachDatabase } from '../support/database';
import { expectInvariants, expectNothingLeaked } from '../support/invariants';
import {
  CONFIRM,
  CREATE,
  READ_WITH_EVENTS,
  TEST_CASHII_KEY,
  TEST_JWT_SECRET,
  expectNoSecrets,
  type TestStack,
  actOnPaymentPage,
  changeAtSimulator,
  referenceOf,
  returnInput,
  startStack,
  validInput,
} from '../support/stack';

describeEachDatabase('payment lifecycle', (target) => {
  let stack: TestStack;
  const responses: string[] = [];
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await stack.gql(query, variables);
    responses.push(response.text);
    return response;
  };
  const create = async (overrides: Record<string, unknown> = {}) => {
    const response = await gql(CREATE, { input: validInput(overrides) });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createRemotePayment;
  };
  const read = async (id: string) => (await gql(READ_WITH_EVENTS, { id })).body.data!.payment;

  beforeEach(async () => {
    responses.length = 0;
    stack = await startStack(target, { STATUS_TTL_MS: '0', PAID_STATUS_TTL_MS: '0', RECONCILER_ENABLED: 'false' });
  });
  afterEach(async () => {
    await expectInvariants(stack.app.dataSource, stack.simulator);
    for (const text of responses) expectNothingLeaked(text, [TEST_CASHII_KEY, TEST_JWT_SECRET]);
    expectNoSecrets(stack);
    await stack.close();
  });

  describe('idempotency', () => {
    it('turns twenty concurrent identical requests into one Cashii create and one record', async () => {
      const input = validInput({ idempotencyKey: 'order-42-attempt' });
      const results = await Promise.all(Array.from({ length: 20 }, () => gql(CREATE, { input })));
      const ids = new Set(results.map((r) => r.body.data?.createRemotePayment.id));
      expect(results.map((r) => r.body.errors)).toEqual(Array(20).fill(undefined));
      expect(ids.size).toBe(1);
      expect((await stack.simulatorStats()).create).toBe(1);
      expect(await stack.records()).toHaveLength(1);
    });

    it('returns the same payment for a replay without calling Cashii again', async () => {
      const first = await create({ idempotencyKey: 'k-1', metadata: { b: 1, a: [1, { z: 2, y: 3 }] } });
      const again = await create({ idempotencyKey: 'k-1', metadata: { a: [1, { y: 3, z: 2 }], b: 1 } });
      expect(again.id).toBe(first.id);
      expect((await stack.simulatorStats()).create).toBe(1);
    });

    it('refuses the same key with another input as IDEMPOTENCY_KEY_REUSED', async () => {
      await create({ idempotencyKey: 'k-2' });
      const response = await gql(CREATE, { input: validInput({ idempotencyKey: 'k-2', amount: 999 }) });
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
      expect((await stack.simulatorStats()).create).toBe(1);
    });

    it('lets a retry with the same key continue after Cashii timed out having created the payment', async () => {
      await stack.fault({ route: 'create', delayMs: 2000, afterCreate: true });
      const input = validInput({ idempotencyKey: 'k-timeout' });
      const failed = await gql(CREATE, { input });
      expect(failed.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      expect((await stack.records())[0].createState).toBe('UNKNOWN');
      const retried = await gql(CREATE, { input });
      expect(retried.body.errors).toBeUndefined();
      const records = await stack.records();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ createState: 'CREATED', cashiiId: retried.body.data!.createRemotePayment.id });
      // Cashii has no idempotency: the first create is an orphan that no one is ever shown. It is logged.
      expect(stack.simulator.state.payments.size).toBe(2);
      expect(stack.logs.some((line) => line.includes('an orphaned Cashii payment may exist'))).toBe(true);
    });

    it.each([
      ['a 503', { route: 'create' as const, status: 503 }],
      ['a connection reset', { route: 'create' as const, reset: true }],
      ['malformed JSON', { route: 'create' as const, malformed: true }],
      ['a 429 with Retry-After', { route: 'create' as const, status: 429, retryAfter: '2' }],
    ])('lets a retry with the same key succeed after %s', async (_name, fault) => {
      await stack.fault(fault);
      const input = validInput({ idempotencyKey: `k-${_name}` });
      expect((await gql(CREATE, { input })).body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      const retried = await gql(CREATE, { input });
      expect(retried.body.data!.createRemotePayment.status).toBe('PENDING');
      expect(await stack.records()).toHaveLength(1);
    });

    it('makes different payments for different keys', async () => {
      const a = await create({ idempotencyKey: 'k-a' });
      const b = await create({ idempotencyKey: 'k-b' });
      expect(a.id).not.toBe(b.id);
    });
  });

  describe('returns from the payment page', () => {
    it('confirms PAID with Cashii, keeps the transaction id and signature, and records one event', async () => {
      const payment = await create();
      const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
      const input = returnInput(back);
      const confirmed = (await gql(CONFIRM, { input })).body.data!.confirmPaymentReturn;
      expect(confirmed).toMatchObject({ id: payment.id, status: 'PAID', transactionId: input.transactionId });
      expect(confirmed.events).toEqual([
        { from: null, to: 'PENDING', source: 'CREATE' },
        { from: 'PENDING', to: 'PAID', source: 'RETURN' },
      ]);
      const [record] = await stack.records();
      expect(record.returnSignature).toBe(input.signature);
    });

    it('never believes a forged redirect claiming paid while Cashii says pending', async () => {
      const payment = await create();
      const input = { reference: referenceOf(payment.paymentUrl), transactionId: 'txn_forged', status: 'paid', signature: 'f'.repeat(64) };
      const confirmed = (await gql(CONFIRM, { input })).body.data!.confirmPaymentReturn;
      expect(confirmed.status).toBe('PENDING');
      expect(confirmed.transactionId).toBeNull();
      expect(stack.logs.some((line) => line.includes('claimed a status that Cashii does not confirm'))).toBe(true);
    });

    it('is harmless when replayed twice and concurrently with a read', async () => {
      const payment = await create();
      const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
      const input = returnInput(back);
      const results = await Promise.all([gql(CONFIRM, { input }), gql(CONFIRM, { input }), gql(READ_WITH_EVENTS, { id: payment.id })]);
      expect(results[0].body.data!.confirmPaymentReturn.status).toBe('PAID');
      expect(results[1].body.data!.confirmPaymentReturn.status).toBe('PAID');
      expect(results[2].body.data!.payment.status).toBe('PAID');
      const events = (await read(payment.id)).events;
      expect(events.filter((e: { to: string }) => e.to === 'PAID')).toHaveLength(1);
      expect((await stack.simulatorStats()).get).toBeLessThanOrEqual(3);
      // A later replay with another transaction id changes nothing: the first verified return stands.
      const forged = await gql(CONFIRM, { input: { ...input, transactionId: 'txn_forged', signature: 'forged' } });
      expect(forged.body.data!.confirmPaymentReturn.transactionId).toBe(input.transactionId);
      expect((await stack.records())[0].returnSignature).toBe(input.signature);
    });

    it('answers an unknown reference as BAD_USER_INPUT', async () => {
      const input = { reference: '00000000-0000-4000-8000-000000000000', transactionId: 't', status: 'paid', signature: 's' };
      const response = await gql(CONFIRM, { input });
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reference' });
    });
  });

  describe('the state machine under Cashii answers', () => {
    it('never moves PAID back when a late answer says pending', async () => {
      const payment = await create();
      await actOnPaymentPage(payment.paymentUrl, 'pay');
      expect((await read(payment.id)).status).toBe('PAID');
      await changeAtSimulator(stack, payment.id, { status: 'pending' });
      const after = await read(payment.id);
      expect(after.status).toBe('PAID');
      expect(after.events.map((e: { to: string }) => e.to)).toEqual(['PENDING', 'PAID']);
    });

    it('follows a refund after paid, and walks PENDING -> PAID -> REFUNDED when it sees the refund first', async () => {
      const a = await create();
      await actOnPaymentPage(a.paymentUrl, 'pay');
      expect((await read(a.id)).status).toBe('PAID');
      await changeAtSimulator(stack, a.id, { status: 'refunded' });
      expect((await read(a.id)).status).toBe('REFUNDED');

      const b = await create();
      await changeAtSimulator(stack, b.id, { status: 'refunded' });
      const after = await read(b.id);
      expect(after.status).toBe('REFUNDED');
      expect(after.events.map((e: { from: string | null; to: string }) => `${e.from}>${e.to}`)).toEqual([
        'null>PENDING',
        'PENDING>PAID',
        'PAID>REFUNDED',
      ]);
    });

    it('flags a payment for review, and does not treat it as paid, when Cashii reports another amount', async () => {
      const payment = await create();
      await changeAtSimulator(stack, payment.id, { status: 'paid', amount: 1 });
      const after = await read(payment.id);
      expect(after).toMatchObject({ status: 'PENDING', needsReview: true });
      expect(after.reviewReason).toContain('amount');
    });

    it('keeps the last known status when Cashii sends a status it does not know', async () => {
      const payment = await create();
      stack.simulator.state.payments.get(payment.id)!.status = 'expired' as never;
      expect((await read(payment.id)).status).toBe('PENDING');
      expect(stack.logs.some((line) => line.includes('unknown status'))).toBe(true);
    });
  });

  describe('freshness', () => {
    it('shares one Cashii GET among concurrent reads of one pending payment', async () => {
      const payment = await create();
      await stack.fault({ route: 'get', delayMs: 300 });
      const before = (await stack.simulatorStats()).get;
      const reads = await Promise.all(Array.from({ length: 10 }, () => gql(READ_WITH_EVENTS, { id: payment.id })));
      expect(reads.every((r) => r.body.data!.payment.id === payment.id)).toBe(true);
      expect((await stack.simulatorStats()).get - before).toBe(1);
    });
  });

  describe('the shared refresh', () => {
    it('skips the Cashii GET when the stored confirmation is fresh, even for a caller holding an old copy', async () => {
      const payment = await create();
      const repository = new PaymentRepository(new Database(stack.app.dataSource));
      const sync = new PaymentSync(
        repository,
        new CashiiClient({ baseUrl: stack.simulator.url, apiKey: TEST_CASHII_KEY, timeoutMs: 1000 }),
        new FreshnessPolicy({ statusTtlMs: 60_000, paidStatusTtlMs: 60_000 }),
        createLogger('silent'),
      );
      const [stored] = await repository.findByCashiiIds([payment.id]);
      // What a request that loaded the record before another replica's refresh committed would hold.
      const oldCopy = Object.assign(new PaymentOrder(), stored, { verifiedAt: new Date(0) });
      const before = (await stack.simulatorStats()).get;
      expect((await sync.refresh(oldCopy, PaymentEventSource.READ, { ifStale: true })).confirmed).toBe(true);
      expect((await stack.simulatorStats()).get).toBe(before);
      await sync.refresh(oldCopy, PaymentEventSource.READ, { ifStale: false });
      expect((await stack.simulatorStats()).get).toBe(before + 1);
    });
  });

  describe('polling', () => {
    it('asks Cashii once per TTL however many clients poll one pending payment', async () => {
      await stack.close();
      const clock = new ManualClock();
      stack = await startStack(target, { STATUS_TTL_MS: '1000', RECONCILER_ENABLED: 'false' }, { clock });
      const payment = await create();
      const gets = async () => (await stack.simulatorStats()).get;
      const pollTogether = () => Promise.all(Array.from({ length: 50 }, () => stack.gql(READ_WITH_EVENTS, { id: payment.id })));
      const before = await gets();
      // Fresh from its create: 50 clients at once ask Cashii nothing.
      await pollTogether();
      expect(await gets()).toBe(before);
      // Each time the TTL has passed, 50 clients at once ask Cashii once.
      for (let window = 1; window <= 3; window++) {
        await clock.advance(1000);
        await pollTogether();
        expect(await gets()).toBe(before + window);
      }
    });
  });

  describe('circuit breaker', () => {
    it('opens after repeated outages, fails fast without the network, and closes after a good probe', async () => {
      await stack.close();
      const clock = new ManualClock();
      const env = { CASHII_BREAKER_THRESHOLD: '2', CASHII_BREAKER_COOLDOWN_MS: '300', RECONCILER_ENABLED: 'false' };
      stack = await startStack(target, env, { clock });
      await stack.fault({ route: 'create', status: 503, times: 2 });
      await gql(CREATE, { input: validInput() });
      await gql(CREATE, { input: validInput() });
      expect(stack.app.breaker.state).toBe('open');
      const fast = await gql(CREATE, { input: validInput() });
      expect(fast.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      expect((await stack.simulatorStats()).create).toBe(2);
      // Still open 1 ms before the cooldown ends: fails fast, Cashii not called.
      await clock.advance(299);
      expect((await gql(CREATE, { input: validInput() })).body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await stack.simulatorStats()).create).toBe(2);
      await clock.advance(1);
      expect((await gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.status).toBe('PENDING');
      expect(stack.app.breaker.state).toBe('closed');
    });

    it("is not tripped by Cashii's 4xx answers", async () => {
      await stack.fault({ route: 'create', status: 422, times: 8 });
      for (let i = 0; i < 8; i++) await gql(CREATE, { input: validInput() });
      expect(stack.app.breaker.state).toBe('closed');
    });
  });
});
