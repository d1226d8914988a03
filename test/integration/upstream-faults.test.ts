/**
 * Cashii down, failing, slow or answering garbage: `createRemotePayment` answers
 * UPSTREAM_UNAVAILABLE (a slow Cashii's late answer is not waited for), leaks nothing, and no record claims a payment that
 * Cashii did not confirm.
 */
import { CreateState } from '../../src/payments/store/payment-entity';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import type { Fault } from '../../src/sandbox/state';
import { describeEachDatabase } from '../support/database';
import { expectInvariants } from '../support/invariants';
import { CREATE, READ, TEST_CASHII_KEY, type TestStack, expectNoSecrets, startStack, validInput } from '../support/stack';

const TIMEOUT_MS = 1500;

function expectNoLeak(text: string): void {
  expect(text).not.toContain(TEST_CASHII_KEY);
  expect(text).not.toMatch(/Simulated HTTP|"data": \{"id": 12|stacktrace|node_modules|\.ts:\d+/);
}

describeEachDatabase('Cashii faults', (target) => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startStack(target, { CASHII_TIMEOUT_MS: String(TIMEOUT_MS), STATUS_TTL_MS: '0' });
  });
  afterEach(async () => {
    await expectInvariants(stack.app.dataSource, stack.simulator);
    expectNoSecrets(stack);
    await stack?.close();
  });

  /** Only records with a Cashii id that Cashii really has may claim a payment. */
  async function expectNoUnconfirmedClaim(): Promise<void> {
    for (const record of await stack.records()) {
      if (record.createState === CreateState.CREATED) {
        expect(record.cashiiId).not.toBeNull();
        expect(stack.simulator.state.payments.has(record.cashiiId!)).toBe(true);
      } else {
        expect(record.cashiiId).toBeNull();
      }
    }
  }

  const cases: Array<[string, Fault, CreateState]> = [
    ['HTTP 500', { route: 'create', status: 500 }, CreateState.UNKNOWN],
    ['HTTP 503', { route: 'create', status: 503 }, CreateState.UNKNOWN],
    ['429 with Retry-After', { route: 'create', status: 429, retryAfter: '1' }, CreateState.FAILED],
    ['malformed JSON', { route: 'create', malformed: true }, CreateState.UNKNOWN],
    ['a truncated body', { route: 'create', truncated: true }, CreateState.UNKNOWN],
    ['a connection reset', { route: 'create', reset: true }, CreateState.UNKNOWN],
    ['a timeout after creating the payment', { route: 'create', delayMs: TIMEOUT_MS + 500, afterCreate: true }, CreateState.UNKNOWN],
  ];

  it.each(cases)('answers UPSTREAM_UNAVAILABLE on %s and records the outcome', async (_name, fault, expectedState) => {
    await stack.fault(fault);
    // A slow Cashii is given up on at the deadline: its late answer would have made the record CREATED.
    const response = await stack.gql(CREATE, { input: validInput() });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expectNoLeak(response.text);
    const records = await stack.records();
    expect(records).toHaveLength(1);
    expect(records[0].createState).toBe(expectedState);
    expect((await stack.simulatorStats()).create).toBe(1);
    await expectNoUnconfirmedClaim();
  });

  it('answers UPSTREAM_REJECTED when Cashii refuses the body, and never retries the create', async () => {
    await stack.fault({ route: 'create', status: 422 });
    const response = await stack.gql(CREATE, { input: validInput() });
    expect(response.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_REJECTED', retryable: false });
    expect((await stack.records())[0].createState).toBe(CreateState.FAILED);
    expectNoLeak(response.text);
  });

  it('treats a 401 from Cashii as a configuration fault: not retryable, logged loudly, key not leaked', async () => {
    await stack.fault({ route: 'create', status: 401 });
    const response = await stack.gql(CREATE, { input: validInput() });
    expect(response.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    expect(stack.logs.some((line) => line.includes('"level":50') && line.includes('CASHII_API_KEY'))).toBe(true);
    expect(stack.logs.join('\n')).not.toContain(TEST_CASHII_KEY);
    expectNoLeak(response.text);
  });

  it('answers UPSTREAM_UNAVAILABLE (not-created) when the simulator is stopped', async () => {
    await stack.simulator.close();
    const response = await stack.gql(CREATE, { input: validInput() });
    expect(response.body.errors![0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expect((await stack.records())[0].createState).toBe(CreateState.FAILED);
    expectNoLeak(response.text);
  });

  it("keeps Cashii's id when the database fails once while recording it", async () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const markCreated = jest.spyOn(PaymentRepository.prototype, 'recordCreatedId').mockRejectedValueOnce(busy);
    try {
      const response = await stack.gql(CREATE, { input: validInput() });
      expect(response.body.errors).toBeUndefined();
      const [record] = await stack.records();
      expect(record).toMatchObject({ createState: CreateState.CREATED, cashiiId: response.body.data!.createRemotePayment.id });
      expect(markCreated).toHaveBeenCalledTimes(2);
    } finally {
      markCreated.mockRestore();
    }
  });

  it('serves the last confirmed status when Cashii fails on a read, after retrying twice', async () => {
    const id = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    await stack.fault({ route: 'get', status: 503, times: 3 });
    const before = await stack.simulatorStats();
    const read = await stack.gql(READ, { id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.payment).toMatchObject({ id, status: 'PENDING' });
    expect(read.body.data!.payment.verifiedAt).not.toBeNull();
    expect((await stack.simulatorStats()).get - before.get).toBe(3);
  });

  it('keeps a long unknown status from Cashii cut to its column, and answers the last known status (PostgreSQL refused it whole: INTERNAL_SERVER_ERROR)', async () => {
    const id = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    const long = `awaiting_issuer_${'x'.repeat(40)}`;
    (stack.simulator.state.payments.get(id)! as { status: string }).status = long;
    const read = await stack.gql(READ, { id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.payment.status).toBe('PENDING');
    const [record] = await stack.records();
    expect(record).toMatchObject({ status: 'PENDING', upstreamStatus: `${long.slice(0, 31)}\u2026` });
    expect(stack.logs.some((line) => line.includes('Cashii sent an unknown status'))).toBe(true);
  });

  it('flags a payment whose currency Cashii reports as a long string with a NUL, quoting it bounded (PostgreSQL refused the reason: INTERNAL_SERVER_ERROR)', async () => {
    const id = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    const payment = stack.simulator.state.payments.get(id)!;
    const currency = payment.currency;
    payment.currency = `US\u0000D${'X'.repeat(40)}`;
    const read = await stack.gql(READ, { id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.payment.status).toBe('PENDING');
    const [record] = await stack.records();
    expect(record.reviewCode).toBe('AMOUNT_MISMATCH');
    expect(record.reviewReason).toContain(`Cashii reports currency US\ufffdD${'X'.repeat(27)}\u2026,`);
    // The invariants below compare with Cashii's own record: put it back.
    payment.currency = currency;
  });

  it('serves the last confirmed status when Cashii sends an account number longer than any (a malformed answer)', async () => {
    const id = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    const payment = stack.simulator.state.payments.get(id)!;
    payment.status = 'paid';
    payment.from = '1'.repeat(40);
    const read = await stack.gql(READ, { id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.payment.status).toBe('PENDING');
    const [record] = await stack.records();
    expect(record).toMatchObject({ status: 'PENDING', from: null });
    expect(stack.logs.some((line) => line.includes('longer than 32 digits'))).toBe(true);
    // The invariants below compare with Cashii's own record: put it back as a payment could be.
    payment.from = '1111222233334444';
  });

  it('recovers on a read after one transient failure', async () => {
    const id = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    stack.simulator.state.payments.get(id)!.status = 'paid';
    await stack.fault({ route: 'get', reset: true });
    const read = await stack.gql(READ, { id });
    expect(read.body.data!.payment.status).toBe('PAID');
  });
});
