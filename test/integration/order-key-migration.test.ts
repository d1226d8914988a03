/**
 * Orders stored before "one order, one spelling" keep working: the migration computes each row's
 * key, an order is then found by any spelling of its reference, and two stored references that
 * now share a key (an order split by its spellings) both stay readable.
 */
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { OrderRepository } from '../../src/payments/store/order-repository';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import { type TestDatabase, createTestDatabase, describeEachDatabase } from '../support/database';

describeEachDatabase('the order key migration', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(() => database.drop());

  it('computes the key of existing orders, finds them by any spelling, and keeps colliding ones apart', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url }).database;
    const before = PAYMENT_MIGRATIONS.filter((migration) => migration.name !== 'OrderKeysAndDueIndex1764200000000');
    expect(before).toHaveLength(PAYMENT_MIGRATIONS.length - 1);

    // The schema as the last session left it, with orders stored under its rules.
    const old = await openDatabase(config, { entities: PAYMENT_ENTITIES, migrations: before });
    const p = (n: number) => (target === 'postgres' ? `$${n}` : '?');
    const rows: Array<[string, string, string, number]> = [
      ['o-1', 'user-a', 'ORDER-1', 1000],
      ['o-2', 'user-a', 'order-1', 2000],
      ['o-3', 'user-b', 'Ｃart-7', 3000],
      ['o-4', 'user-b', 'ORDER-1', 4000],
    ];
    for (const row of rows) {
      await old.query(
        `INSERT INTO merchant_orders ("id", "ownerId", "orderRef", "activePaymentId", "paidPaymentId", "createdAt", "updatedAt") VALUES (${p(1)}, ${p(2)}, ${p(3)}, NULL, NULL, ${p(4)}, ${p(5)})`,
        [...row, row[3]],
      );
    }
    await old.destroy();

    const upgraded = await openDatabase(config, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
    try {
      const keys = await upgraded.query<Array<{ id: string; orderKey: string }>>(
        `SELECT "id", "orderKey" FROM merchant_orders ORDER BY "id"`,
      );
      expect(keys).toEqual([
        { id: 'o-1', orderKey: 'order-1' },
        // The later spelling of an order that now has one key keeps a key of its own no input can spell.
        { id: 'o-2', orderKey: '\u2060o-2' },
        { id: 'o-3', orderKey: 'cart-7' },
        { id: 'o-4', orderKey: 'order-1' },
      ]);
      const orders = new OrderRepository(new Database(upgraded));
      expect((await orders.find('user-a', 'order-1'))?.id).toBe('o-1');
      expect((await orders.find('user-a', 'ＯＲＤＥＲ-1'))?.id).toBe('o-1');
      expect((await orders.find('user-b', 'cart-7'))?.id).toBe('o-3');
      expect((await orders.find('user-b', 'Order-1'))?.id).toBe('o-4');
      // Another spelling of a migrated order is that order, not a second one.
      const again = await orders.ensure('user-b', 'CART-7', new Date());
      expect(again.id).toBe('o-3');
    } finally {
      await upgraded.destroy();
    }
  });
});
