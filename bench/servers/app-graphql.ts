// Y and M must run the very schema, services and context the BFF runs (authentication included),
// so that only the GraphQL server differs: both build them with src/services.ts, as src/app.ts
// does, over the same database.
import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS } from '../../src/payments/store/stored-models';
import type { GraphQLContext } from '../../src/graphql/context';
import type { Logger } from '../../src/logger';
import { createServices } from '../../src/services';

export interface AppGraphQL {
  readonly schema: GraphQLSchema;
  /** A fresh context per request, made as src/app.ts makes it (verified viewer, services, new loaders). */
  context(req: IncomingMessage): Promise<GraphQLContext>;
  close(): Promise<void>;
}

export async function buildAppGraphQL(config: Config, log: Logger): Promise<AppGraphQL> {
  const dataSource = await openDatabase(config.database, { entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
  // The reconciler is not started: Y and M only serve requests, the BFF's own process reconciles.
  const services = await createServices(config, config.cashii, dataSource, log);
  return {
    schema: services.schema,
    context: async (req) => services.contextFor(await services.authenticator.authenticate(req.headers), req),
    close: async () => {
      await services.close();
      await dataSource.destroy();
    },
  };
}
