import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Order records (paid at most once), superseded attempts, the review queue and operator events. */
export class OrdersAndReviews1764180000000 implements MigrationInterface {
  name = 'OrdersAndReviews1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'merchant_orders',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'ownerId', type: 'varchar', length: '255' },
          { name: 'orderRef', type: 'varchar', length: '128' },
          { name: 'activePaymentId', type: 'varchar', length: '36', isNullable: true },
          { name: 'paidPaymentId', type: 'varchar', length: '36', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
          { name: 'updatedAt', type: 'bigint' },
        ],
        indices: [{ name: 'uq_merchant_orders_owner_ref', columnNames: ['ownerId', 'orderRef'], isUnique: true }],
      }),
    );
    await queryRunner.addColumns('payment_orders', [
      new TableColumn({ name: 'reviewCode', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'reviewResolution', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'reviewResolvedAt', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'reviewResolvedBy', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'supersededAt', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_owner_order', columnNames: ['ownerId', 'orderId'] }),
    );
    // Payments flagged before the queue existed were all amount or currency mismatches.
    await queryRunner.query(`UPDATE payment_orders SET "reviewCode" = 'AMOUNT_MISMATCH' WHERE "reviewReason" IS NOT NULL`);
    await queryRunner.addColumns('payment_events', [
      new TableColumn({ name: 'actor', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'note', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('payment_events', 'note');
    await queryRunner.dropColumn('payment_events', 'actor');
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_owner_order');
    for (const column of ['supersededAt', 'reviewResolvedBy', 'reviewResolvedAt', 'reviewResolution', 'reviewCode']) {
      await queryRunner.dropColumn('payment_orders', column);
    }
    await queryRunner.dropTable('merchant_orders');
  }
}
