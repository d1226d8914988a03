import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { orderKeyOf } from '../order-key';

/**
 * One order, one spelling: `merchant_orders.orderKey` holds each reference in its compared form
 * (NFKC, case-folded), unique per owner, computed here for the rows stored before. Two stored
 * references with one key (an order split by its spellings before this rule) keep working as
 * they were: the oldest takes the key, each later one a key no valid input can spell (a word joiner, U+2060, and its id).
 * The reconciler now checks settled payments too, by due time alone: its index is the due time.
 */
export class OrderKeysAndDueIndex1764200000000 implements MigrationInterface {
  name = 'OrderKeysAndDueIndex1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'merchant_orders',
      new TableColumn({ name: 'orderKey', type: 'varchar', length: '255', default: "''", isNullable: false }),
    );
    const rows = (await queryRunner.query(
      'SELECT "id", "ownerId", "orderRef" FROM merchant_orders ORDER BY "createdAt" ASC, "id" ASC',
    )) as Array<{ id: string; ownerId: string; orderRef: string }>;
    const taken = new Set<string>();
    const param = queryRunner.connection.driver.options.type === 'postgres' ? (n: number) => `$${n}` : () => '?';
    for (const row of rows) {
      let key = orderKeyOf(row.orderRef);
      const slot = `${row.ownerId}\u0000${key}`;
      if (taken.has(slot) || key.length > 200) key = `\u2060${row.id}`;
      else taken.add(slot);
      await queryRunner.query(`UPDATE merchant_orders SET "orderKey" = ${param(1)} WHERE "id" = ${param(2)}`, [key, row.id]);
    }
    await queryRunner.dropIndex('merchant_orders', 'uq_merchant_orders_owner_ref');
    await queryRunner.createIndex(
      'merchant_orders',
      new TableIndex({ name: 'uq_merchant_orders_owner_key', columnNames: ['ownerId', 'orderKey'], isUnique: true }),
    );
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_next_check');
    await queryRunner.createIndex('payment_orders', new TableIndex({ name: 'idx_payment_orders_due', columnNames: ['nextCheckAt'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_due');
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_next_check', columnNames: ['status', 'nextCheckAt'] }),
    );
    await queryRunner.dropIndex('merchant_orders', 'uq_merchant_orders_owner_key');
    await queryRunner.createIndex(
      'merchant_orders',
      new TableIndex({ name: 'uq_merchant_orders_owner_ref', columnNames: ['ownerId', 'orderRef'], isUnique: true }),
    );
    await queryRunner.dropColumn('merchant_orders', 'orderKey');
  }
}
