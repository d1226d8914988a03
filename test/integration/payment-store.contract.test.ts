/** The real PaymentRepository keeps the store's contract (test/contracts/payment-store.contract.ts), on each database. */
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { PaymentRepository } from '../../src/payments/store/payment-repository';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import { paymentStoreContract } from '../contracts/payment-store.contract';
import { DB_TARGETS, createTestDatabase } from '../support/database';

for (const target of DB_TARGETS) {
  paymentStoreContract(`PaymentRepository on ${target}`, async () => {
    const database = await createTestDatabase(target);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url }).database;
    const dataSource = await openDatabase(config, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
    return {
      store: new PaymentRepository(new Database(dataSource)),
      close: async () => {
        await dataSource.destroy();
        await database.drop();
      },
    };
  });
}
