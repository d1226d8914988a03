/** The whole path over real HTTP: create, read, pay on the simulator's page, read PAID confirmed. */
import { describeEachDatabase } from '../support/database';
import { CREATE, READ, type TestStack, actOnPaymentPage, startStack, validInput } from '../support/stack';
import { Database } from '../../src/db/database';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { PaymentRepository } from '../../src/payments/store/payment-repository';

describeEachDatabase('payment flow', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack(target, { STATUS_TTL_MS: '0' });
  });
  afterAll(() => stack?.close());

  it('creates a payment above 32 bits, reads it back, and shows PAID after the user pays on the page', async () => {
    const created = await stack.gql(CREATE, { input: validInput({ metadata: { cart: [1, 2] }, orderId: 'A-1' }) });
    expect(created.body.errors).toBeUndefined();
    const payment = created.body.data!.createRemotePayment;
    expect(payment).toMatchObject({ amount: 3_000_000_000, currency: 'SYP', status: 'PENDING', orderId: 'A-1', from: null });
    expect(payment.id).toMatch(/^\d{16}$/);
    expect(typeof payment.id).toBe('string');
    expect(payment.metadata).toEqual({ cart: [1, 2] });

    const pageUrl = new URL(payment.paymentUrl);
    expect(`${pageUrl.origin}${pageUrl.pathname}`).toBe(stack.simulator.paymentPageUrl);
    expect(pageUrl.searchParams.get('code')).toBe(payment.id);
    const returnUrl = new URL(pageUrl.searchParams.get('redirect')!);
    expect(`${returnUrl.origin}${returnUrl.pathname}`).toBe('http://localhost:3000/checkout/return');
    const ref = returnUrl.searchParams.get('cashii_ref');
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);

    const read = await stack.gql(READ, { id: payment.id });
    expect(read.body.data!.payment).toMatchObject({ id: payment.id, amount: 3_000_000_000, status: 'PENDING', to: '1000000000000001' });

    const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
    expect(`${back.origin}${back.pathname}`).toBe('http://localhost:3000/checkout/return');
    expect(back.searchParams.get('cashii_ref')).toBe(ref);
    expect(back.searchParams.get('status')).toBe('paid');
    expect(back.searchParams.get('transaction_id')).toMatch(/^txn_/);
    expect(back.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);

    const paid = await stack.gql(READ, { id: payment.id });
    const confirmed = paid.body.data!.payment;
    expect(confirmed.status).toBe('PAID');
    expect(confirmed.from).toMatch(/^\d{16}$/);
    expect(Date.parse(confirmed.verifiedAt)).toBeGreaterThan(Date.parse(payment.verifiedAt) - 1);
    expect(confirmed.amount).toBe(3_000_000_000);

    const display = await stack.gql(
      `query($id: ID!) { payment(id: $id) { amountDecimal currencyExponent en: formattedAmount ar: formattedAmount(locale: "ar-SY") } }`,
      {
        id: payment.id,
      },
    );
    expect(display.body.data!.payment).toMatchObject({ amountDecimal: '30000000.00', currencyExponent: 2 });
    expect(display.body.data!.payment.en.replace(/\u00a0/g, ' ')).toBe('SYP 30,000,000.00');
    expect(display.body.data!.payment.ar).toMatch(/٣٠٬٠٠٠٬٠٠٠/);
  });

  it('reads records on the hot path exactly as TypeORM hydrates them', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput({ metadata: { a: 1 }, orderId: 'O-9', payableTo: '1111222233334444' }) }))
      .body.data!.createRemotePayment;
    await actOnPaymentPage(payment.paymentUrl, 'pay');
    await stack.gql(READ, { id: payment.id });
    const viaTypeorm = await stack.app.dataSource.getRepository(PaymentOrder).findOneByOrFail({ cashiiId: payment.id });
    const [viaSql] = await new PaymentRepository(new Database(stack.app.dataSource)).findByCashiiIds([payment.id]);
    expect(viaSql).toEqual(viaTypeorm);
    expect(viaSql.from).toMatch(/^\d{16}$/);
  });

  it('keeps the largest safe amount exact', async () => {
    const created = await stack.gql(CREATE, { input: validInput({ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }) });
    expect(created.body.data!.createRemotePayment.amount).toBe(Number.MAX_SAFE_INTEGER);
    const read = await stack.gql(READ, { id: created.body.data!.createRemotePayment.id });
    expect(read.body.data!.payment.amount).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('shows a rejected or canceled payment as such, and a later refund of a paid one', async () => {
    const ids: string[] = [];
    for (const action of ['reject', 'cancel', 'pay'] as const) {
      const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
      await actOnPaymentPage(payment.paymentUrl, action);
      ids.push(payment.id);
    }
    const statuses = [];
    for (const id of ids) statuses.push((await stack.gql(READ, { id })).body.data!.payment.status);
    expect(statuses).toEqual(['REJECTED', 'CANCELED', 'PAID']);

    await fetch(`${stack.simulator.url}/__control/payments/${ids[2]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'refunded' }),
    });
    // A paid payment is re-read only after PAID_STATUS_TTL_MS (60 s by default), so it stays PAID here.
    expect((await stack.gql(READ, { id: ids[2] })).body.data!.payment.status).toBe('PAID');
  });

  it('answers null for an id that is not in our records, without asking Cashii', async () => {
    const before = await stack.simulatorStats();
    const read = await stack.gql(READ, { id: '1234567890123456' });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.payment).toBeNull();
    expect((await stack.simulatorStats()).get).toBe(before.get);
  });

  it('reads several aliased payments with one SQL query and one Cashii GET per id', async () => {
    const a = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    const b = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment.id;
    const spy = jest.spyOn(PaymentRepository.prototype, 'findByCashiiIds');
    const before = await stack.simulatorStats();
    const read = await stack.gql(
      `query($a: ID!, $b: ID!) { x: payment(id: $a) { id status } y: payment(id: $b) { id } z: payment(id: $a) { id amount } }`,
      { a, b },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data).toEqual({ x: { id: a, status: 'PENDING' }, y: { id: b }, z: { id: a, amount: 3_000_000_000 } });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0]).toEqual(expect.arrayContaining([a, b]));
    spy.mockRestore();
    expect((await stack.simulatorStats()).get - before.get).toBe(2);
  });
});
