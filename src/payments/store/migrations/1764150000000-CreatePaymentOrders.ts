import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The payment order records. Written with TypeORM's Table API so the same migration runs on SQLite and PostgreSQL. */
export class CreatePaymentOrders1764150000000 implements MigrationInterface {
  name = 'CreatePaymentOrders1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'payment_orders',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'cashiiId', type: 'varchar', length: '16', isNullable: true },
          { name: 'createState', type: 'varchar', length: '16' },
          { name: 'ownerId', type: 'varchar', length: '255' },
          { name: 'amount', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'metadata', type: 'text', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'upstreamStatus', type: 'varchar', length: '32', isNullable: true },
          { name: 'from_account', type: 'varchar', length: '32', isNullable: true },
          { name: 'to_account', type: 'varchar', length: '32', isNullable: true },
          { name: 'payableTo', type: 'varchar', length: '16', isNullable: true },
          { name: 'orderId', type: 'varchar', length: '128', isNullable: true },
          { name: 'returnUrl', type: 'text' },
          { name: 'transactionId', type: 'varchar', length: '255', isNullable: true },
          { name: 'createdAt', type: 'bigint' },
          { name: 'updatedAt', type: 'bigint' },
          { name: 'verifiedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'uq_payment_orders_cashii_id', columnNames: ['cashiiId'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_owner_created', columnNames: ['ownerId', 'createdAt'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payment_orders');
  }
}
