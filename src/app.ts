/**
 * Wires the BFF together: the simulator (when configured), the database, the Cashii client, the
 * schema, Apollo and the HTTP server. `startApp` is what `main.ts` and the integration tests run.
 */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { DataSource } from 'typeorm';
import { CashiiClient } from './cashii';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import type { GraphQLContext } from './graphql/context';
import { createErrorFormatter } from './graphql/format-error';
import { buildAppSchema } from './graphql/schema';
import { createValidator } from './graphql/validation';
import { createHttpServer, listen } from './http/server';
import { resolveViewer } from './http/viewer';
import type { Logger } from './logger';
import { PaymentPolicy } from './payments/payment-policy';
import { createPaymentLoaders } from './payments/payment.loader';
import { PaymentRepository } from './payments/payment.repository';
import { PaymentService } from './payments/payment.service';
import { type RunningSimulator, startSimulator } from './sandbox/simulator';

export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly dataSource: DataSource;
  readonly simulator: RunningSimulator | null;
  close(): Promise<void>;
}

export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const simulator = config.simulator.enabled ? await startSimulator({ port: config.simulator.port }) : null;
  const cashiiConfig = simulator
    ? { ...config.cashii, apiBaseUrl: simulator.url, paymentPageUrl: simulator.paymentPageUrl, apiKey: simulator.apiKey }
    : config.cashii;
  if (simulator) {
    log.warn(
      `No Cashii API key is configured, so the built-in Cashii simulator is running at ${simulator.url} and no real money moves. ` +
        'Set CASHII_API_KEY to use Cashii.',
    );
  }

  let dataSource: DataSource;
  try {
    dataSource = await openDatabase(config.database);
  } catch (error) {
    await simulator?.close();
    throw error;
  }

  const cashii = new CashiiClient({ baseUrl: cashiiConfig.apiBaseUrl, apiKey: cashiiConfig.apiKey, timeoutMs: cashiiConfig.timeoutMs });
  const repository = new PaymentRepository(dataSource);
  const payments = new PaymentService(
    repository,
    cashii,
    {
      paymentPageUrl: cashiiConfig.paymentPageUrl,
      statusTtlMs: config.payments.statusTtlMs,
      paidStatusTtlMs: config.payments.paidStatusTtlMs,
    },
    log,
  );

  const schema = await buildAppSchema(createValidator(new PaymentPolicy(config.payments)));
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown: Apollo would otherwise re-raise the signal and exit non-zero.
    stopOnTerminationSignals: false,
    plugins: [
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  await apollo.start();

  const server = createHttpServer({
    apollo,
    bodyLimitBytes: config.http.bodyLimitBytes,
    log,
    health: async () => {
      await dataSource.query('SELECT 1');
      return true;
    },
    context: (req) => Promise.resolve({ viewer: resolveViewer(req), payments, loaders: createPaymentLoaders(repository, cashii) }),
  });
  const url = await listen(server, config.port, config.host);
  log.info(`GraphQL API ready at ${url}/graphql${config.production ? '' : ' (open it in a browser for Apollo Sandbox)'}`);

  return {
    url,
    dataSource,
    simulator,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await dataSource.destroy();
      await simulator?.close();
    },
  };
}
