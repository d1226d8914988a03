import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The crash detector and the back office look for creates by state and age (SENDING or UNKNOWN
 * since before a time) on every reconciler pass: without an index that walked the whole table,
 * on SQLite on the event loop, once a second.
 */
export class CreateStateIndex1764190000000 implements MigrationInterface {
  name = 'CreateStateIndex1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_create_state', columnNames: ['createState', 'updatedAt'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_create_state');
  }
}
