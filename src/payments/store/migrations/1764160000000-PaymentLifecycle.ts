import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Idempotency keys, return audit, review flag, reconciler scheduling, and the status history. */
export class PaymentLifecycle1764160000000 implements MigrationInterface {
  name = 'PaymentLifecycle1764160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('payment_orders', [
      new TableColumn({ name: 'returnSignature', type: 'text', isNullable: true }),
      new TableColumn({ name: 'returnClaimedStatus', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'idempotencyKey', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'requestHash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'reviewReason', type: 'text', isNullable: true }),
      new TableColumn({ name: 'nextCheckAt', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'checkAttempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'staleAt', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'uq_payment_orders_owner_idempotency', columnNames: ['ownerId', 'idempotencyKey'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_next_check', columnNames: ['status', 'nextCheckAt'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payment_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'paymentId', type: 'varchar', length: '36' },
          { name: 'fromStatus', type: 'varchar', length: '16', isNullable: true },
          { name: 'toStatus', type: 'varchar', length: '16' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'at', type: 'bigint' },
        ],
        indices: [{ name: 'idx_payment_events_payment', columnNames: ['paymentId', 'at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payment_events');
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_next_check');
    await queryRunner.dropIndex('payment_orders', 'uq_payment_orders_owner_idempotency');
    for (const column of [
      'staleAt',
      'checkAttempts',
      'nextCheckAt',
      'reviewReason',
      'requestHash',
      'idempotencyKey',
      'returnClaimedStatus',
      'returnSignature',
    ]) {
      await queryRunner.dropColumn('payment_orders', column);
    }
  }
}
