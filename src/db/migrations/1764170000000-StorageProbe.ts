import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** One row that readiness rewrites to learn whether writes commit again after a storage fault. */
export class StorageProbe1764170000000 implements MigrationInterface {
  name = 'StorageProbe1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'storage_probe',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'checkedAt', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('storage_probe');
  }
}
