/**
 * The DataSource the TypeORM CLI uses (`npx typeorm migration:run -d ormconfig.ts` through
 * @swc-node/register, see package.json). It reads DATABASE_URL like the server does.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config';
import { dataSourceOptions } from './src/db/data-source';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from './src/payments/store/stored-models';

const { database } = loadConfig({ ...process.env, CASHII_SIMULATOR: 'on', NODE_ENV: 'development' });

export default new DataSource(dataSourceOptions(database, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS }));
