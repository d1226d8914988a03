import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for the reads clients and operators repeat, found with pg_stat_statements under the soak
 * (bench/soak.ts, two PostgreSQL replicas):
 * - an owner's `payments` page (and the answer cache's check of it) filters on the create state and
 *   orders by (createdAt, id): with both in the index it reads the page's rows and no more, instead
 *   of sorting all of the owner's payments (1.1 ms a page at ~800 payments an owner);
 * - the review queue is read through a partial index of the rows it can hold (a few of many),
 *   instead of every payment (1.9 to 4.3 ms a page at 5,000 payments);
 * - the reconciler's claim reads a partial index of the payments it may still check, in due order:
 *   with the plain due-time index, a PostgreSQL whose statistics were missing or old (autovacuum
 *   off, as on the CI machine) sorted every created payment on each claim (9 to 25 ms).
 */
/**
 * The predicates as they were written: a migration is a snapshot, so a later change of the live
 * constants (review-lifecycle.ts: QUEUE_INDEX_WHERE, DUE_INDEX_WHERE) goes in a migration of its own.
 */
const QUEUE_WHERE = `"reviewResolvedAt" IS NULL AND ("reviewCode" IS NOT NULL OR "staleAt" IS NOT NULL OR "createState" = 'UNKNOWN')`;
const DUE_WHERE = `"createState" = 'CREATED' AND "staleAt" IS NULL AND "nextCheckAt" IS NOT NULL`;

export class ReadIndexes1764210000000 implements MigrationInterface {
  name = 'ReadIndexes1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_owner_page', columnNames: ['ownerId', 'createState', 'createdAt', 'id'] }),
    );
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_owner_created');
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_review_queue', columnNames: ['createdAt', 'id'], where: QUEUE_WHERE }),
    );
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_due_open', columnNames: ['createState', 'nextCheckAt'], where: DUE_WHERE }),
    );
    // By name in SQL: TypeORM's dropIndex looks the index up in a table description it may have cached before the index was made.
    await queryRunner.query('DROP INDEX IF EXISTS "idx_payment_orders_due"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('payment_orders', new TableIndex({ name: 'idx_payment_orders_due', columnNames: ['nextCheckAt'] }));
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_due_open');
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_review_queue');
    await queryRunner.createIndex(
      'payment_orders',
      new TableIndex({ name: 'idx_payment_orders_owner_created', columnNames: ['ownerId', 'createdAt'] }),
    );
    await queryRunner.dropIndex('payment_orders', 'idx_payment_orders_owner_page');
  }
}
