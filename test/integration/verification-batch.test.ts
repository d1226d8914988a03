/**
 * The confirmations of one event-loop turn (a read or a reconciler check finding Cashii agreeing)
 * cost one statement on PostgreSQL, one round trip instead of one each; on SQLite each is its own
 * UPDATE in the group commit's one transaction. What each caller is told, and what is stored, is
 * the payment store's contract (test/contracts/payment-store.contract.ts).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { ReadSet, type RequestScope, runInRequest } from '../../src/observability/request-scope';
import { openDatabase } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { PaymentStatus } from '../../src/payments/store/payment-values';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import { record } from '../fixtures/payment-fakes';
import { type TestDatabase, createTestDatabase, describeEachDatabase } from '../support/database';

describeEachDatabase('verifications of one turn', (target) => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PaymentRepository;
  const statements: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(target);
    dataSource = await openDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url }).database, {
      entities: PAYMENT_ENTITIES,
      migrations: PAYMENT_MIGRATIONS,
    });
    store = new PaymentRepository(new Database(dataSource));
    const logQuery = dataSource.logger.logQuery.bind(dataSource.logger);
    dataSource.logger.logQuery = (sql, ...rest) => (statements.push(sql), logQuery(sql, ...rest));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it(target === 'postgres' ? 'writes 20 confirmations in one statement' : 'writes 20 confirmations as 20 UPDATEs', async () => {
    const payments = Array.from({ length: 20 }, (_, i) =>
      record({ id: randomUUID(), cashiiId: String(2_000_000_000_000 + i), idempotencyKey: null }),
    );
    for (const payment of payments) await store.insert(payment);
    const at = new Date(1_800_000_000_000);
    statements.length = 0;
    const results = await Promise.all(
      payments.map((payment, i) =>
        store.recordVerification(
          payment.id,
          i === 0 ? PaymentStatus.PAID : PaymentStatus.PENDING,
          { verifiedAt: at, checkAttempts: i },
          at,
        ),
      ),
    );
    const updates = statements.filter((sql) => /^\s*UPDATE/i.test(sql));
    expect(updates).toHaveLength(target === 'postgres' ? 1 : 20);
    expect(results).toEqual(payments.map((_, i) => i !== 0));
    for (const [i, payment] of payments.entries()) {
      const stored = await store.findById(payment.id);
      expect(stored?.checkAttempts).toBe(i === 0 ? payment.checkAttempts : i);
    }
  });

  it('marks every request whose confirmation joined the statement as one that wrote (its answer is never kept)', async () => {
    const payments = [0, 1].map((i) => record({ id: randomUUID(), cashiiId: String(2_100_000_000_000 + i), idempotencyKey: null }));
    for (const payment of payments) await store.insert(payment);
    const at = new Date(1_800_000_000_000);
    const scopes: RequestScope[] = payments.map((_, i) => ({ requestId: `request-${i}`, reads: new ReadSet() }));
    const results = await Promise.all(
      payments.map((payment, i) =>
        runInRequest(scopes[i], () => store.recordVerification(payment.id, PaymentStatus.PENDING, { verifiedAt: at }, at)),
      ),
    );
    expect(results).toEqual([true, true]);
    expect(scopes.map((scope) => scope.reads?.untracked)).toEqual([true, true]);
  });

  it('fails only the caller whose value the column refuses, not the others of its statement', async () => {
    const payments = [0, 1, 2].map((i) => record({ id: randomUUID(), cashiiId: String(2_200_000_000_000 + i), idempotencyKey: null }));
    for (const payment of payments) await store.insert(payment);
    const at = new Date(1_800_000_000_000);
    // upstreamStatus is varchar(32): PostgreSQL refuses 40 characters (SQLite does not check lengths).
    const said = ['pending', 'x'.repeat(40), 'pending'];
    const results = await Promise.allSettled(
      payments.map((payment, i) =>
        store.recordVerification(payment.id, PaymentStatus.PENDING, { upstreamStatus: said[i], verifiedAt: at }, at),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(
      target === 'postgres' ? ['fulfilled', 'rejected', 'fulfilled'] : ['fulfilled', 'fulfilled', 'fulfilled'],
    );
    for (const i of [0, 2]) expect(await store.findById(payments[i].id)).toMatchObject({ upstreamStatus: 'pending', verifiedAt: at });
  });
});
