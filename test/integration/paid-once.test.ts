/**
 * Paid once, for real: what happens around the paths a shopper normally walks. A superseded
 * payment paid with no one coming back, creates racing for one order, an old tab replaying its key,
 * spellings of one order id, and Cashii changing its answer: each ends with one live payment per
 * order, or in the review queue with its own reason. SQLite and PostgreSQL.
 */
import { describeEachDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';
import { expectInvariants } from '../support/invariants';
import {
  CONFIRM,
  CREATE,
  type TestStack,
  actOnPaymentPage,
  changeAtSimulator,
  mintToken,
  returnInput,
  startStack,
  validInput,
} from '../support/stack';

const ORDER = `query Order($orderId: String!) {
  order(orderId: $orderId) { orderId status payments { id amount status needsReview reviewReason } paidPayment { id } }
}`;
const QUEUED = `query Queue($reason: ReviewReason) {
  reviewQueue(reason: $reason, first: 100) { edges { node { queueReason reviewReason upstreamStatus payment { id status } } } }
}`;
const RECHECK = `mutation R($id: ID!) { recheckPayment(id: $id) { queueReason upstreamStatus payment { status } history { source note actor } } }`;
const READ = `query Read($id: ID!) { payment(id: $id) { id status needsReview } }`;

type Payment = { id: string; paymentUrl: string; amount: number };

describeEachDatabase('paid once', (target) => {
  let stack: TestStack;
  let operator: Record<string, string>;
  beforeAll(async () => {
    // A fast reconciler: a payment nobody reads or returns to is still looked at within a second or so.
    stack = await startStack(target, { RECONCILER_INTERVAL_MS: '50', RECONCILER_BASE_DELAY_MS: '20' });
    operator = { authorization: `Bearer ${await mintToken('operator-1', { roles: ['payments-operator'] })}` };
  });
  afterAll(async () => {
    await expectInvariants(stack.app.dataSource, stack.simulator);
    await stack.close();
  });

  let orderNo = 0;
  const nextOrder = () => `paid-once-${target}-${++orderNo}`;
  const create = (orderId: string | null, overrides: Record<string, unknown> = {}, user = 'user-a') =>
    stack.gql(CREATE, { input: validInput({ ...(orderId === null ? {} : { orderId }), ...overrides }) }, { user });
  const createOk = async (orderId: string | null, overrides: Record<string, unknown> = {}, user = 'user-a') => {
    const response = await create(orderId, overrides, user);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createRemotePayment as Payment;
  };
  const pay = async (payment: Payment, action: 'pay' | 'reject' | 'cancel' = 'pay') => {
    const back = await actOnPaymentPage(payment.paymentUrl, action);
    return (await stack.gql(CONFIRM, { input: returnInput(back) })).body.data!.confirmPaymentReturn as { status: string };
  };
  const queued = async (reason: string | null) =>
    (await stack.gql(QUEUED, { reason }, { headers: operator })).body.data!.reviewQueue.edges.map(
      (edge: { node: Record<string, any> }) => edge.node,
    ) as Array<{ queueReason: string; reviewReason: string; upstreamStatus: string | null; payment: { id: string; status: string } }>;
  const recordOf = async (cashiiId: string) => (await stack.records()).find((record) => record.cashiiId === cashiiId)!;

  it('queues a superseded payment that is paid at Cashii with no read and no return, and counts it in the gauge', async () => {
    const orderId = nextOrder();
    const tabA = await createOk(orderId, { amount: 1000 });
    const tabB = await createOk(orderId, { amount: 1200 });
    expect((await pay(tabB)).status).toBe('PAID');
    // The shopper pays in tab A too and never reaches the return page.
    await actOnPaymentPage(tabA.paymentUrl, 'pay');
    const item = await waitFor(async () => (await queued('SUPERSEDED_PAID')).find((node) => node.payment.id === tabA.id));
    expect(item).toMatchObject({ queueReason: 'SUPERSEDED_PAID', payment: { status: 'PAID' } });
    expect(item.reviewReason).toMatch(/refund/);
    const metrics = await (await fetch(`${stack.app.url}/metrics`)).text();
    expect(metrics).toMatch(/bff_review_queue_size\{reason="SUPERSEDED_PAID"\} [1-9]/);
    const view = (await stack.gql(ORDER, { orderId })).body.data!.order;
    expect(view.paidPayment).toEqual({ id: tabB.id });
  });

  it("redoes an order's settlement lost after the status change committed (a fault): the next confirmation queues or settles it", async () => {
    const orderId = nextOrder();
    const old = await createOk(orderId, { amount: 500 });
    const current = await createOk(orderId, { amount: 600 });
    await pay(current);
    await pay(old);
    await waitFor(async () => ((await recordOf(old.id)).reviewCode === 'SUPERSEDED_PAID' ? true : undefined));
    // What a storage fault between the status change and its settlement leaves: PAID, not queued, the order not paid.
    await stack.app.dataSource.query(
      `UPDATE payment_orders SET "reviewCode" = NULL, "reviewReason" = NULL, "nextCheckAt" = 0 WHERE "cashiiId" IN ('${old.id}', '${current.id}')`,
    );
    await stack.app.dataSource.query(`UPDATE merchant_orders SET "paidPaymentId" = NULL WHERE "orderRef" = '${orderId}'`);
    // The reconciler's settled checks confirm both with Cashii and redo what was lost.
    const item = await waitFor(async () => (await queued('SUPERSEDED_PAID')).find((node) => node.payment.id === old.id));
    expect(item.queueReason).toBe('SUPERSEDED_PAID');
    const paidBy = await waitFor(async () => {
      const [row] = await stack.app.dataSource.query(`SELECT "paidPaymentId" FROM merchant_orders WHERE "orderRef" = '${orderId}'`);
      return (row as { paidPaymentId: string | null }).paidPaymentId ?? undefined;
    });
    expect(paidBy).toBe((await recordOf(current.id)).id);
  });

  it('keeps the reconciler checking a superseded payment like any pending one', async () => {
    const orderId = nextOrder();
    const old = await createOk(orderId, { amount: 700 });
    await createOk(orderId, { amount: 800 });
    const record = await recordOf(old.id);
    expect(record.supersededAt).not.toBeNull();
    expect(record.nextCheckAt).not.toBeNull();
    const checked = await waitFor(async () => {
      const now = await recordOf(old.id);
      return now.checkAttempts > 0 ? now : undefined;
    });
    expect(checked.status).toBe('PENDING');
  });

  it('answers the live payment to a create whose own payment was superseded while Cashii was creating it', async () => {
    const orderId = nextOrder();
    await stack.fault({ route: 'create', delayMs: 700, times: 1 });
    const slow = create(orderId, { amount: 1000 });
    await waitFor(async () => ((await stack.records()).some((r) => r.orderId === orderId) ? true : undefined));
    const fast = await createOk(orderId, { amount: 1200 });
    const answer = (await slow).body;
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.createRemotePayment.id).toBe(fast.id);
    expect(answer.data!.createRemotePayment.amount).toBe(1200);
    const records = (await stack.records()).filter((r) => r.orderId === orderId);
    expect(records.filter((r) => r.supersededAt === null).map((r) => r.cashiiId)).toEqual([fast.id]);
  });

  it('ends a race of 50 creates with alternating carts with one live payment, every answer a payment Cashii created for the order', async () => {
    const orderId = nextOrder();
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await create(orderId, { amount: i % 2 === 0 ? 100 : 200 });
        return { response };
      }),
    );
    const failed = answers.filter(({ response }) => response.body.errors);
    // A create that lost every look at the order may be told to retry; none is answered otherwise.
    for (const { response } of failed) expect(response.body.errors![0].extensions).toMatchObject({ retryable: true });
    expect(failed.length).toBeLessThan(5);
    const records = (await stack.records()).filter((r) => r.orderId === orderId && r.createState === 'CREATED');
    const live = records.filter((r) => r.supersededAt === null && r.status === 'PENDING');
    expect(live).toHaveLength(1);
    // Every answer names a payment of this order that Cashii created (which one was live when it left is the deterministic test's above).
    const created = new Set(records.map((r) => r.cashiiId));
    for (const { response } of answers.filter(({ response }) => !response.body.errors)) {
      expect(created.has(response.body.data!.createRemotePayment.id as string)).toBe(true);
    }
    // The last answers name the live one, and so does any later create of either cart.
    expect((await createOk(orderId, { amount: live[0].amount })).id).toBe(live[0].cashiiId);
  });

  describe('one order, one spelling', () => {
    const user = `spelling-${target}`;
    let first: Payment;
    let createsBefore: number;
    beforeAll(async () => {
      first = await createOk('ORDER-1', {}, user);
      const back = await actOnPaymentPage(first.paymentUrl, 'pay');
      await stack.gql(CONFIRM, { input: returnInput(back) }, { user });
      createsBefore = (await stack.simulatorStats()).create;
    });

    const spellings: Array<[string, string]> = [
      ['lower case', 'order-1'],
      ['mixed case', 'OrDeR-1'],
      ['NFD', 'ORDER-1'.normalize('NFD')],
      ['fullwidth letters', 'ＯＲＤＥＲ-1'],
      ['a leading space', ' ORDER-1'],
      ['a trailing space', 'ORDER-1 '],
      ['a no-break space', 'ORDER\u00a0-1'],
      ['an ideographic space', 'ORDER\u30001'],
      ['a zero-width space', 'ORDER\u200b-1'],
      ['a zero-width non-joiner', 'ORDER\u200c-1'],
      ['a zero-width joiner', 'ORDER\u200d-1'],
      ['a byte order mark', '\ufeffORDER-1'],
      ['a word joiner', 'ORDER\u2060-1'],
      ['a soft hyphen', 'ORDER\u00ad-1'],
      ['a left-to-right mark', '\u200eORDER-1'],
      ['a combining grapheme joiner', 'ORDER\u034f-1'],
      ['a Cyrillic O', '\u041eRDER-1'],
      ['a non-breaking hyphen', 'ORDER\u20111'],
      ['a variation selector', 'ORDER-1\ufe0f'],
      ['a tag character', 'ORDER-1\u{e0041}'],
    ];
    it.each(spellings)('refuses %s: ORDER_ALREADY_PAID or BAD_USER_INPUT saying why, and no Cashii create', async (_name, spelling) => {
      const response = await create(spelling, {}, user);
      const error = response.body.errors![0];
      if (error.extensions!.code === 'ORDER_ALREADY_PAID') expect(error.extensions!.paymentId).toBe(first.id);
      else {
        expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'orderId' });
        expect(error.message).toMatch(/invisible|space|dash|script/);
      }
      expect((await stack.simulatorStats()).create).toBe(createsBefore);
    });

    it('finds the order by any spelling of its key, shown as first spelt', async () => {
      const view = (await stack.gql(ORDER, { orderId: 'ｏｒｄｅｒ-1' }, { user })).body.data!.order;
      expect(view).toMatchObject({ orderId: 'ORDER-1', status: 'PAID', paidPayment: { id: first.id } });
    });

    it('keeps Arabic-only and Latin-only ids (with digits and spaces) working', async () => {
      for (const orderId of ['طلب-١٢٣', 'طلب 123', 'Order 2 for table 7', 'Bestellung-Ü-9', '注文-ABC']) {
        const payment = await createOk(orderId, {}, user);
        expect(payment.id).toMatch(/^\d{16}$/);
      }
    });
  });

  describe('Cashii changing its answer', () => {
    const cases: Array<[string, string, 'pay' | 'reject' | 'cancel' | 'refund']> = [
      ['REJECTED', 'paid', 'reject'],
      ['CANCELED', 'paid', 'cancel'],
      ['REFUNDED', 'paid', 'refund'],
      ['PAID', 'rejected', 'pay'],
      ['PAID', 'canceled', 'pay'],
      ['PAID', 'pending', 'pay'],
    ];
    const settle = async (action: 'pay' | 'reject' | 'cancel' | 'refund') => {
      const payment = await createOk(null);
      await pay(payment, action === 'refund' ? 'pay' : action);
      if (action === 'refund') {
        await changeAtSimulator(stack, payment.id, { status: 'refunded' });
        await stack.gql(RECHECK, { id: payment.id }, { headers: operator });
      }
      return payment;
    };

    it.each(cases)('queues a stored %s that Cashii now reports as %s (operator recheck), with a true note', async (stored, now, action) => {
      const payment = await settle(action);
      expect((await recordOf(payment.id)).status).toBe(stored);
      await changeAtSimulator(stack, payment.id, { status: now });
      const checked = (await stack.gql(RECHECK, { id: payment.id }, { headers: operator })).body.data!.recheckPayment;
      expect(checked).toMatchObject({ queueReason: 'STATUS_CONFLICT', upstreamStatus: now, payment: { status: stored } });
      expect(checked.history.at(-1)).toMatchObject({ source: 'OPERATOR_RECHECK', actor: 'operator-1' });
      expect(checked.history.at(-1).note).toContain(`Re-read from Cashii: ${now}`);
      // The customer's status never moves backwards on its own.
      expect((await stack.gql(READ, { id: payment.id })).body.data!.payment).toMatchObject({ status: stored, needsReview: true });
      expect(await recordOf(payment.id)).toMatchObject({ status: stored, upstreamStatus: now, reviewCode: 'STATUS_CONFLICT' });
    });

    it('queues a disagreement found by a return', async () => {
      const payment = await createOk(null);
      const back = await actOnPaymentPage(payment.paymentUrl, 'reject');
      await stack.gql(CONFIRM, { input: returnInput(back) });
      await changeAtSimulator(stack, payment.id, { status: 'paid' });
      const again = (await stack.gql(CONFIRM, { input: returnInput(back) })).body.data!.confirmPaymentReturn;
      expect(again).toMatchObject({ status: 'REJECTED', needsReview: true });
      expect((await queued('STATUS_CONFLICT')).some((node) => node.payment.id === payment.id)).toBe(true);
    });

    it('queues a disagreement found by the reconciler with no read, no return and no operator', async () => {
      const payment = await createOk(null);
      await pay(payment, 'reject');
      await changeAtSimulator(stack, payment.id, { status: 'paid' });
      const item = await waitFor(async () => (await queued('STATUS_CONFLICT')).find((node) => node.payment.id === payment.id));
      expect(item).toMatchObject({ upstreamStatus: 'paid', payment: { status: 'REJECTED' } });
    });
  });
});
