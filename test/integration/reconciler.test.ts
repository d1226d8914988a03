/** The reconciler settles payments no one comes back for, backs off, stops at the horizon, and shares work safely. */
import { Database } from '../../src/db/database';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { ManualClock } from '../fixtures/manual-clock';
import { describeEachDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';
import { expectInvariants } from '../support/invariants';
import { CREATE, type TestStack, actOnPaymentPage, startStack, validInput } from '../support/stack';

describeEachDatabase('reconciler', (target) => {
  let stack: TestStack;
  afterEach(async () => {
    await expectInvariants(stack.app.dataSource, stack.simulator);
    await stack.close();
  });

  it('moves a payment to PAID that was paid on the page with no one returning to the app', async () => {
    stack = await startStack(target, { RECONCILER_INTERVAL_MS: '100', RECONCILER_BASE_DELAY_MS: '100', STATUS_TTL_MS: '60000' });
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    await actOnPaymentPage(payment.paymentUrl, 'pay');
    const record = await waitFor(async () => (await stack.records()).find((r) => r.status === 'PAID'));
    expect(record.cashiiId).toBe(payment.id);
    // Settled: the first of the later checks (Cashii may still change its answer) is 30 base delays away.
    expect(record.nextCheckAt!.getTime() - record.updatedAt.getTime()).toBe(30 * 100);
    expect(record.checkAttempts).toBe(0);
    const events = await stack.gql(`query($id: ID!) { payment(id: $id) { events { to source } } }`, { id: payment.id });
    expect(events.body.data!.payment.events).toEqual([
      { to: 'PENDING', source: 'CREATE' },
      { to: 'PAID', source: 'RECONCILE' },
    ]);
    // The pass logs once its batch is done, which may be just after the status write the test saw.
    await waitFor(() => Promise.resolve(stack.logs.some((line) => line.includes('"msg":"reconciler pass"')) ? true : undefined));
  });

  it('backs off between checks of a payment that stays pending', async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false', RECONCILER_BASE_DELAY_MS: '1000', RECONCILER_MAX_DELAY_MS: '8000' });
    await stack.gql(CREATE, { input: validInput() });
    const repo = new PaymentRepository(new Database(stack.app.dataSource));
    const [created] = await stack.records();
    await repo.scheduleCheck(created.id, new Date(0), 0);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = Date.now();
      expect((await stack.app.reconciler.runOnce()).claimed).toBe(1);
      const [record] = await stack.records();
      delays.push(record.nextCheckAt!.getTime() - before);
      await repo.scheduleCheck(record.id, new Date(0), record.checkAttempts);
    }
    // 2 s, 4 s, 8 s (capped), 8 s, each with +-20% jitter.
    expect(delays[0]).toBeGreaterThan(1500);
    expect(delays[1]).toBeGreaterThan(3000);
    expect(delays[2]).toBeLessThanOrEqual(9700);
    expect(delays[3]).toBeLessThanOrEqual(9700);
    expect((await stack.records())[0].checkAttempts).toBe(4);
  });

  it('marks a payment stale, unchanged, once it passes the horizon', async () => {
    const clock = new ManualClock();
    stack = await startStack(
      target,
      { RECONCILER_ENABLED: 'false', RECONCILER_HORIZON_MS: '1000', RECONCILER_BASE_DELAY_MS: '10' },
      { clock },
    );
    await stack.gql(CREATE, { input: validInput() });
    await clock.advance(1100);
    const report = await stack.app.reconciler.runOnce();
    expect(report.stale).toBe(1);
    const [record] = await stack.records();
    expect(record).toMatchObject({ status: 'PENDING', nextCheckAt: null });
    expect(record.staleAt).not.toBeNull();
    expect((await stack.app.reconciler.runOnce()).claimed).toBe(0);
  });

  it('gives a payment past the horizon one last check before calling it stale', async () => {
    const clock = new ManualClock();
    stack = await startStack(
      target,
      { RECONCILER_ENABLED: 'false', RECONCILER_HORIZON_MS: '1000', RECONCILER_BASE_DELAY_MS: '10' },
      { clock },
    );
    const payment = (await stack.gql(CREATE, { input: validInput() })).body.data!.createRemotePayment;
    await actOnPaymentPage(payment.paymentUrl, 'pay');
    await clock.advance(1100);
    const report = await stack.app.reconciler.runOnce();
    expect(report).toMatchObject({ changed: 1, stale: 0 });
    const [record] = await stack.records();
    expect(record).toMatchObject({ status: 'PAID', staleAt: null });
  });

  it('never hands one payment to two concurrent claimers', async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false', RECONCILER_BASE_DELAY_MS: '10' });
    for (let i = 0; i < 10; i++) await stack.gql(CREATE, { input: validInput() });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Two repositories over two Database objects act like two replicas (separate pools on PostgreSQL).
    const a = new PaymentRepository(new Database(stack.app.dataSource));
    const b = new PaymentRepository(new Database(stack.app.dataSource));
    const lease = new Date(Date.now() + 60_000);
    const [first, second] = await Promise.all([a.claimDue(new Date(), 6, lease), b.claimDue(new Date(), 6, lease)]);
    const ids = [...first, ...second].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(10);
  });

  it(
    target === 'postgres'
      ? 'skips a due payment another transaction holds, without waiting for its lock'
      : 'claims every due payment (SQLite has one writer: no row is held elsewhere)',
    async () => {
      stack = await startStack(target, { RECONCILER_ENABLED: 'false' });
      for (let i = 0; i < 3; i++) await stack.gql(CREATE, { input: validInput() });
      const repository = new PaymentRepository(new Database(stack.app.dataSource));
      const stored = await stack.records();
      for (const record of stored) await repository.scheduleCheck(record.id, new Date(1000), 0);
      const lease = () => new Date(Date.now() + 60_000);
      if (target !== 'postgres') {
        expect((await repository.claimDue(new Date(2000), 10, lease())).map((record) => record.id).sort()).toEqual(
          stored.map((record) => record.id).sort(),
        );
        return;
      }
      const holder = stack.app.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query('SELECT "id" FROM payment_orders WHERE "id" = $1 FOR UPDATE', [stored[0].id]);
        // Waiting for the held row would end in a lock timeout (an error), not in these two.
        const claimed = await repository.claimDue(new Date(2000), 10, lease());
        expect(claimed.map((record) => record.id).sort()).toEqual([stored[1].id, stored[2].id].sort());
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
      expect((await repository.claimDue(new Date(2000), 10, lease())).map((record) => record.id)).toEqual([stored[0].id]);
    },
  );

  it('claims the most overdue first, answers each record as it came due and stores its lease (one statement on PostgreSQL)', async () => {
    stack = await startStack(target, { RECONCILER_ENABLED: 'false' });
    for (let i = 0; i < 4; i++) await stack.gql(CREATE, { input: validInput() });
    const repository = new PaymentRepository(new Database(stack.app.dataSource));
    const stored = await stack.records();
    // Due at 4000, 1000, 3000 and 2000 ms after the epoch, in the order the records were read.
    for (const [i, record] of stored.entries()) await repository.scheduleCheck(record.id, new Date([4, 1, 3, 2][i] * 1000), 0);
    const logger = stack.app.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    let statements = 0;
    logger.logQuery = (...args) => (statements++, logQuery(...args));
    const lease = new Date(Date.now() + 60_000);
    let claimed;
    try {
      claimed = await repository.claimDue(new Date(3500), 10, lease);
    } finally {
      logger.logQuery = logQuery;
    }
    if (target === 'postgres') expect(statements).toBe(1);
    expect(claimed.map((record) => record.nextCheckAt!.getTime())).toEqual([1000, 2000, 3000]);
    expect(claimed.map((record) => record.id)).toEqual([stored[1].id, stored[3].id, stored[2].id]);
    const after = await stack.records();
    for (const record of claimed) {
      const now = after.find((r) => r.id === record.id)!;
      expect({ ...record, nextCheckAt: null }).toEqual({ ...now, nextCheckAt: null });
      expect(now.nextCheckAt).toEqual(lease);
    }
    expect(after.find((r) => r.id === stored[0].id)!.nextCheckAt).toEqual(new Date(4000));
  });
});
