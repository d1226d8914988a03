/**
 * One order, paid once: the order record decides every create with an orderId, on SQLite and
 * PostgreSQL, races included.
 */
import { describeEachDatabase } from '../support/database';
import { CONFIRM, CREATE, type TestStack, actOnPaymentPage, mintToken, returnInput, startStack, validInput } from '../support/stack';

const ORDER = `query Order($orderId: String!) {
  order(orderId: $orderId) { orderId status payments { id amount status needsReview reviewReason } paidPayment { id } }
}`;
const REVIEW_QUEUE = `query Queue($reason: ReviewReason) {
  reviewQueue(reason: $reason) { edges { node { reference queueReason reviewReason payment { id } } } }
}`;
const RESOLVE = `mutation Resolve($id: ID!, $resolution: ReviewResolution!, $note: String!) {
  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) { queueReason resolution resolvedBy }
}`;

describeEachDatabase('orders', (target) => {
  let stack: TestStack;
  let operator: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack(target);
    operator = { authorization: `Bearer ${await mintToken('operator-1', { roles: ['payments-operator'] })}` };
  });
  afterAll(() => stack.close());

  let orderNo = 0;
  const nextOrder = () => `order-${target}-${++orderNo}`;
  const create = async (orderId: string, overrides: Record<string, unknown> = {}, user = 'user-a') =>
    stack.gql(CREATE, { input: validInput({ orderId, ...overrides }) }, { user });
  const createOk = async (orderId: string, overrides: Record<string, unknown> = {}) => {
    const response = await create(orderId, overrides);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createRemotePayment as { id: string; paymentUrl: string; amount: number };
  };
  const order = async (orderId: string, user = 'user-a') => (await stack.gql(ORDER, { orderId }, { user })).body.data!.order;
  /** Pays at Cashii's hosted page and comes back: the return page confirms with Cashii. */
  const pay = async (payment: { id: string; paymentUrl: string }) => {
    const back = await actOnPaymentPage(payment.paymentUrl, 'pay');
    const confirmed = await stack.gql(CONFIRM, { input: returnInput(back) });
    expect(confirmed.body.data!.confirmPaymentReturn.status).toBe('PAID');
  };

  it('refuses a new payment for a paid order with ORDER_ALREADY_PAID naming the payment, without calling Cashii', async () => {
    const orderId = nextOrder();
    const first = await createOk(orderId);
    await pay(first);
    const before = (await stack.simulatorStats()).create;
    const again = await create(orderId, { idempotencyKey: 'another-attempt' });
    expect(again.body.errors![0].extensions).toEqual({ code: 'ORDER_ALREADY_PAID', paymentId: first.id });
    expect((await stack.simulatorStats()).create).toBe(before);
    expect(await order(orderId)).toMatchObject({ status: 'PAID', paidPayment: { id: first.id } });
  });

  it('returns the pending payment (same id, same paymentUrl) for the same cart, whatever the key, with one Cashii create', async () => {
    const orderId = nextOrder();
    const before = (await stack.simulatorStats()).create;
    const first = await createOk(orderId, { idempotencyKey: 'tab-1' });
    const second = await createOk(orderId, { idempotencyKey: 'tab-2', note: 'pressed Back twice' });
    expect(second).toMatchObject({ id: first.id, paymentUrl: first.paymentUrl });
    expect((await stack.simulatorStats()).create - before).toBe(1);
    expect(await order(orderId)).toMatchObject({ status: 'AWAITING_PAYMENT', payments: [{ id: first.id }] });
  });

  it('creates a new payment when the cart changed and never hands out the superseded one again', async () => {
    const orderId = nextOrder();
    const small = await createOk(orderId, { amount: 1000 });
    const big = await createOk(orderId, { amount: 2000 });
    expect(big.id).not.toBe(small.id);
    const smallAgain = await createOk(orderId, { amount: 1000 });
    expect([small.id, big.id]).not.toContain(smallAgain.id);
    const view = await order(orderId);
    expect(view.status).toBe('AWAITING_PAYMENT');
    expect(view.payments.map((p: { id: string }) => p.id)).toEqual([smallAgain.id, big.id, small.id]);
  });

  it("answers a replay of an old tab's key with the order's live payment: never the superseded one, never a new Cashii create", async () => {
    const orderId = nextOrder();
    const old = await createOk(orderId, { amount: 1000, idempotencyKey: 'cart-v1' });
    const current = await createOk(orderId, { amount: 2000, idempotencyKey: 'cart-v2' });
    const before = (await stack.simulatorStats()).create;
    // Two tabs replaying their keys with unchanged inputs, four times each.
    for (let round = 0; round < 4; round++) {
      expect((await createOk(orderId, { amount: 1000, idempotencyKey: 'cart-v1' })).id).toBe(current.id);
      expect((await createOk(orderId, { amount: 2000, idempotencyKey: 'cart-v2' })).id).toBe(current.id);
    }
    expect((await stack.simulatorStats()).create).toBe(before);
    const view = await order(orderId);
    expect(view.payments.map((p: { id: string }) => p.id)).toEqual([current.id, old.id]);
    // The same key with another input is still a reuse of the key.
    const reused = await create(orderId, { amount: 1500, idempotencyKey: 'cart-v1' });
    expect(reused.body.errors![0].extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('makes exactly one Cashii create for twenty concurrent creates of one order with twenty keys', async () => {
    const orderId = nextOrder();
    const before = (await stack.simulatorStats()).create;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(orderId, { idempotencyKey: `race-${i}` })));
    const ids = answers.map((answer) => answer.body.data?.createRemotePayment.id as string | undefined);
    expect(answers.map((answer) => answer.body.errors)).toEqual(Array(20).fill(undefined));
    expect(new Set(ids).size).toBe(1);
    expect((await stack.simulatorStats()).create - before).toBe(1);
  });

  it('counts an order paid once when two tabs pay: the superseded payment is flagged to be refunded and queued', async () => {
    const orderId = nextOrder();
    const oldCart = await createOk(orderId, { amount: 1000 });
    const newCart = await createOk(orderId, { amount: 2500 });
    await pay(newCart);
    await pay(oldCart);
    const view = await order(orderId);
    expect(view).toMatchObject({ status: 'NEEDS_REVIEW', paidPayment: { id: newCart.id } });
    const flagged = view.payments.find((p: { id: string }) => p.id === oldCart.id);
    expect(flagged).toMatchObject({ status: 'PAID', needsReview: true });
    expect(flagged.reviewReason).toMatch(/refund/);

    const queue = await stack.gql(REVIEW_QUEUE, { reason: 'SUPERSEDED_PAID' }, { headers: operator });
    const item = queue.body.data!.reviewQueue.edges.find((edge: any) => edge.node.payment?.id === oldCart.id);
    expect(item.node.queueReason).toBe('SUPERSEDED_PAID');

    const resolved = await stack.gql(
      RESOLVE,
      { id: oldCart.id, resolution: 'REFUNDED_OUTSIDE', note: 'refunded by bank transfer' },
      { headers: operator },
    );
    expect(resolved.body.data!.resolvePaymentReview).toEqual({
      queueReason: null,
      resolution: 'REFUNDED_OUTSIDE',
      resolvedBy: 'operator-1',
    });
    expect((await order(orderId)).status).toBe('PAID');
  });

  it('counts a paid payment whose order row missed it (a failed settlement) and heals the row on the next create', async () => {
    const orderId = nextOrder();
    const first = await createOk(orderId);
    await pay(first);
    // What a storage fault between the status change and the order's settlement leaves behind.
    await stack.app.dataSource.query(`UPDATE merchant_orders SET "paidPaymentId" = NULL WHERE "orderRef" = '${orderId}'`);
    expect(await order(orderId)).toMatchObject({ status: 'PAID', paidPayment: { id: first.id } });
    const again = await create(orderId, { idempotencyKey: 'after-lost-settlement' });
    expect(again.body.errors![0].extensions).toEqual({ code: 'ORDER_ALREADY_PAID', paymentId: first.id });
    const [row] = await stack.app.dataSource.query(`SELECT "paidPaymentId" FROM merchant_orders WHERE "orderRef" = '${orderId}'`);
    expect(row.paidPaymentId).not.toBeNull();
  });

  it("shows an order only to its owner: another viewer's and an unknown order are both null", async () => {
    const orderId = nextOrder();
    await createOk(orderId);
    expect(await order(orderId, 'user-b')).toBeNull();
    expect(await order('no-such-order')).toBeNull();
    const payment = await createOk(orderId);
    const read = await stack.gql(`query R($id: ID!) { payment(id: $id) { order { orderId status } } }`, { id: payment.id });
    expect(read.body.data!.payment.order).toEqual({ orderId, status: 'AWAITING_PAYMENT' });
  });

  it('lets the same order reference of another owner be paid separately', async () => {
    const orderId = nextOrder();
    const mine = await createOk(orderId);
    await pay(mine);
    const theirs = await create(orderId, {}, 'user-b');
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data!.createRemotePayment.id).not.toBe(mine.id);
  });
});
