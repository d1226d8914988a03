/**
 * The back office: only operators see the queue, any customer's payment or order, and may
 * recheck or resolve; every operator action is in the payment's history with who and why; a
 * customer sees none of it.
 */
import { describeEachDatabase } from '../support/database';
import { CREATE, READ_WITH_EVENTS, type TestStack, changeAtSimulator, mintToken, startStack, validInput } from '../support/stack';

const QUEUE = `query Queue($reason: ReviewReason, $first: Int, $after: String) {
  reviewQueue(reason: $reason, first: $first, after: $after) {
    edges { cursor node { reference ownerId queueReason reviewReason createState payment { id status needsReview } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const BACK_OFFICE_PAYMENT = `query P($id: ID!) {
  backOfficePayment(id: $id) { reference ownerId queueReason resolution resolvedBy history { from to source actor note } }
}`;
const BACK_OFFICE_ORDER = `query O($ownerId: String!, $orderId: String!) { backOfficeOrder(ownerId: $ownerId, orderId: $orderId) { orderId status } }`;
const RECHECK = `mutation R($id: ID!) { recheckPayment(id: $id) { reference payment { status } } }`;
const RESOLVE = `mutation S($id: ID!, $resolution: ReviewResolution!, $note: String!) {
  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) { queueReason resolution resolvedBy }
}`;

/** Every operator entry point, with arguments that would be valid for an operator. */
const OPERATOR_OPERATIONS: Array<[string, string, Record<string, unknown>]> = [
  ['reviewQueue', QUEUE, {}],
  ['backOfficePayment', BACK_OFFICE_PAYMENT, { id: '1234567890123456' }],
  ['backOfficeOrder', BACK_OFFICE_ORDER, { ownerId: 'user-a', orderId: 'o-1' }],
  ['recheckPayment', RECHECK, { id: '1234567890123456' }],
  ['resolvePaymentReview', RESOLVE, { id: '1234567890123456', resolution: 'WRITTEN_OFF', note: 'x' }],
];

describeEachDatabase('the back office', (target) => {
  let stack: TestStack;
  let operator: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack(target);
    operator = { authorization: `Bearer ${await mintToken('operator-1', { roles: ['payments-operator'] })}` };
  });
  afterAll(() => stack.close());

  const asOperator = (query: string, variables: Record<string, unknown> = {}) => stack.gql(query, variables, { headers: operator });
  const createFor = async (user: string, overrides: Record<string, unknown> = {}) =>
    (await stack.gql(CREATE, { input: validInput(overrides) }, { user })).body.data!.createRemotePayment as { id: string };
  /** A payment Cashii reports with another amount: flagged for review by the next confirmation. */
  const mismatched = async (user = 'user-a') => {
    const payment = await createFor(user);
    await changeAtSimulator(stack, payment.id, { status: 'paid', amount: 7 });
    const rechecked = await asOperator(RECHECK, { id: payment.id });
    expect(rechecked.body.errors).toBeUndefined();
    return payment;
  };

  it.each(OPERATOR_OPERATIONS)(
    'refuses %s to a customer (FORBIDDEN) and to no token (UNAUTHENTICATED)',
    async (_name, query, variables) => {
      const customer = await stack.gql(query, variables, { user: 'user-a' });
      expect(customer.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN' });
      // Nothing of it: no data (non-null fields) or the field null (nullable ones).
      expect(Object.values(customer.body.data ?? {}).every((value) => value === null)).toBe(true);
      const anonymous = await stack.gql(query, variables, { headers: { authorization: '' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    },
  );

  it('queues a payment Cashii reports with another amount, filters by reason and pages', async () => {
    const first = await mismatched('user-a');
    const second = await mismatched('user-b');
    const all = await asOperator(QUEUE, { reason: 'AMOUNT_MISMATCH', first: 100 });
    const nodes = all.body.data!.reviewQueue.edges.map((edge: any) => edge.node);
    const mine = nodes.filter((node: any) => [first.id, second.id].includes(node.payment?.id));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ queueReason: 'AMOUNT_MISMATCH', createState: 'CREATED', payment: { needsReview: true } });
    expect(new Set(mine.map((node: any) => node.ownerId))).toEqual(new Set(['user-a', 'user-b']));

    const page1 = await asOperator(QUEUE, { reason: 'AMOUNT_MISMATCH', first: 1 });
    expect(page1.body.data!.reviewQueue.pageInfo.hasNextPage).toBe(true);
    const page2 = await asOperator(QUEUE, { reason: 'AMOUNT_MISMATCH', first: 1, after: page1.body.data!.reviewQueue.pageInfo.endCursor });
    expect(page2.body.data!.reviewQueue.edges[0].node.reference).not.toBe(page1.body.data!.reviewQueue.edges[0].node.reference);

    const stale = await asOperator(QUEUE, { reason: 'STALE' });
    expect(stale.body.data!.reviewQueue.edges.filter((edge: any) => edge.node.payment?.id === first.id)).toEqual([]);
  });

  it("resolves a review with the operator's note in the history; the payment leaves the queue; the customer sees none of it", async () => {
    const payment = await mismatched();
    const resolved = await asOperator(RESOLVE, {
      id: payment.id,
      resolution: 'ACCEPTED_AS_PAID',
      note: 'customer paid the difference in store',
    });
    expect(resolved.body.data!.resolvePaymentReview).toEqual({
      queueReason: null,
      resolution: 'ACCEPTED_AS_PAID',
      resolvedBy: 'operator-1',
    });

    const again = await asOperator(RESOLVE, { id: payment.id, resolution: 'WRITTEN_OFF', note: 'twice' });
    expect(again.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const queue = await asOperator(QUEUE, { first: 100 });
    expect(queue.body.data!.reviewQueue.edges.filter((edge: any) => edge.node.payment?.id === payment.id)).toEqual([]);

    const seen = await asOperator(BACK_OFFICE_PAYMENT, { id: payment.id });
    const history = seen.body.data!.backOfficePayment.history as Array<{ source: string; actor: string | null; note: string | null }>;
    expect(history.map((event) => event.source)).toEqual(['CREATE', 'REVIEW', 'OPERATOR_RECHECK', 'OPERATOR_RESOLVE']);
    expect(history.at(-1)).toMatchObject({ actor: 'operator-1', note: 'ACCEPTED_AS_PAID: customer paid the difference in store' });
    expect(history.find((event) => event.source === 'OPERATOR_RECHECK')).toMatchObject({ actor: 'operator-1' });

    const customer = await stack.gql(READ_WITH_EVENTS, { id: payment.id });
    expect(customer.body.data!.payment).toMatchObject({ needsReview: false, reviewReason: null });
    expect(customer.body.data!.payment.events.map((event: any) => event.source)).toEqual(['CREATE']);
    expect(customer.text).not.toContain('operator-1');
    expect(customer.text).not.toContain('difference in store');
  });

  it('keeps a mismatch accepted as paid accepted: the payment then moves to PAID and is not flagged again', async () => {
    const payment = await mismatched();
    await asOperator(RESOLVE, { id: payment.id, resolution: 'ACCEPTED_AS_PAID', note: 'difference settled' });
    const rechecked = await asOperator(RECHECK, { id: payment.id });
    expect(rechecked.body.data!.recheckPayment).toMatchObject({ payment: { status: 'PAID' } });
    const seen = await asOperator(BACK_OFFICE_PAYMENT, { id: payment.id });
    expect(seen.body.data!.backOfficePayment).toMatchObject({ queueReason: null, resolution: 'ACCEPTED_AS_PAID' });
  });

  it("reads any customer's payment and order, and nothing for an unknown id", async () => {
    const payment = await createFor('user-c', { orderId: 'shop-order-9' });
    const seen = await asOperator(BACK_OFFICE_PAYMENT, { id: payment.id });
    expect(seen.body.data!.backOfficePayment).toMatchObject({ ownerId: 'user-c', queueReason: null });
    const order = await asOperator(BACK_OFFICE_ORDER, { ownerId: 'user-c', orderId: 'shop-order-9' });
    expect(order.body.data!.backOfficeOrder).toEqual({ orderId: 'shop-order-9', status: 'AWAITING_PAYMENT' });
    expect((await asOperator(BACK_OFFICE_PAYMENT, { id: '9999999999999999' })).body.data!.backOfficePayment).toBeNull();
  });

  it('rechecks a payment with Cashii now and records who asked', async () => {
    const payment = await createFor('user-a');
    await changeAtSimulator(stack, payment.id, { status: 'canceled' });
    const rechecked = await asOperator(RECHECK, { id: payment.id });
    expect(rechecked.body.data!.recheckPayment.payment.status).toBe('CANCELED');
    const history = (await asOperator(BACK_OFFICE_PAYMENT, { id: payment.id })).body.data!.backOfficePayment.history;
    expect(history.at(-1)).toMatchObject({ source: 'OPERATOR_RECHECK', actor: 'operator-1', note: 'Re-read from Cashii: canceled' });
    expect(history.map((event: any) => event.source)).toContain('OPERATOR_RECHECK');
  });

  it('queues a create whose outcome stayed unknown past twice the Cashii deadline, and a stale payment; both can be written off', async () => {
    await stack.fault({ route: 'create', reset: true, afterCreate: true });
    const lost = await stack.gql(CREATE, { input: validInput({ idempotencyKey: 'unknown-outcome-1' }) });
    expect(lost.body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    const stale = await createFor('user-a');
    await stack.app.dataSource.query(`UPDATE payment_orders SET "staleAt" = ${Date.now()} WHERE "cashiiId" = '${stale.id}'`);
    // The stack's Cashii deadline is 1.5 s: an UNKNOWN create is a person's matter after 3 s. Its last attempt is moved 3.2 s back.
    await stack.app.dataSource.query(
      `UPDATE payment_orders SET "updatedAt" = "updatedAt" - 3200 WHERE "idempotencyKey" = 'unknown-outcome-1' AND "createState" = 'UNKNOWN'`,
    );

    const unknown = (await asOperator(QUEUE, { reason: 'UNKNOWN_CREATE', first: 100 })).body.data!.reviewQueue.edges.map(
      (e: any) => e.node,
    );
    const orphan = unknown.find((node: any) => node.createState === 'UNKNOWN' && node.payment === null);
    expect(orphan).toMatchObject({ queueReason: 'UNKNOWN_CREATE', ownerId: 'user-a' });
    const stales = (await asOperator(QUEUE, { reason: 'STALE', first: 100 })).body.data!.reviewQueue.edges.map((e: any) => e.node);
    expect(stales.find((node: any) => node.payment?.id === stale.id)).toMatchObject({ queueReason: 'STALE' });

    for (const id of [orphan.reference as string, stale.id]) {
      const resolved = await asOperator(RESOLVE, { id, resolution: 'WRITTEN_OFF', note: 'checked at Cashii: nothing to do' });
      expect(resolved.body.data!.resolvePaymentReview).toMatchObject({ queueReason: null, resolution: 'WRITTEN_OFF' });
    }
    const after = (await asOperator(QUEUE, { first: 100 })).body.data!.reviewQueue.edges.map((e: any) => e.node.reference);
    expect(after).not.toContain(orphan.reference);
  });

  it('shows the queue size by reason in /metrics', async () => {
    await mismatched();
    const metrics = await (await fetch(`${stack.app.url}/metrics`)).text();
    expect(metrics).toMatch(/bff_review_queue_size\{reason="AMOUNT_MISMATCH"\} [1-9]/);
    expect(metrics).toMatch(/bff_review_queue_size\{reason="UNKNOWN_CREATE"\} \d+/);
  });
});
