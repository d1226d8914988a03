/** What the payments module stores: its entities and the migrations that create them, handed to the database room. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationInterface } from 'typeorm';
import { MerchantOrder } from './order-entity';
import { PaymentEventRecord } from './payment-event-entity';
import { PaymentOrder } from './payment-entity';

export const PAYMENT_ENTITIES = [PaymentOrder, PaymentEventRecord, MerchantOrder];

/** `<13-digit timestamp>-<Name>.ts` (or `.js` once built): one migration class per file. */
const MIGRATION_FILE = /^(\d{13})-[A-Za-z0-9]+\.(?:ts|js)$/;

/**
 * Every migration in ./migrations, oldest first: a new migration is one new file there, nothing to
 * list. Each file must export exactly one class named `<Name><timestamp>` (TypeORM's convention),
 * checked here so a misnamed file fails the start instead of being skipped.
 */
function migrationsIn(folder: string): Array<new () => MigrationInterface> {
  const files = readdirSync(folder)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort();
  return files.map((file) => {
    const stamp = MIGRATION_FILE.exec(file)![1];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- discovered at start, as TypeORM's own glob loading would
    const exported = Object.values(require(join(folder, file)) as Record<string, unknown>);
    const classes = exported.filter((value): value is new () => MigrationInterface => typeof value === 'function');
    if (classes.length !== 1 || !classes[0].name.endsWith(stamp)) {
      throw new Error(`${file} must export exactly one migration class named <Name>${stamp}`);
    }
    return classes[0];
  });
}

export const PAYMENT_MIGRATIONS = migrationsIn(join(__dirname, 'migrations'));
