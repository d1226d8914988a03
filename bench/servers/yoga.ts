// Y: the project's schema and context served by graphql-yoga 5, the alternative a user could pick.
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildAppGraphQL } from './app-graphql';
import { fail, serveUntilStopped } from './ipc';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await buildAppGraphQL(config, createLogger(config.logLevel));
  const yoga = createYoga({
    schema: app.schema,
    // The node request, which requestListener passes as server context, carries headers and address.
    context: ({ req }: { req: IncomingMessage }) => app.context(req),
    graphiql: false,
    landingPage: false,
    // Yoga's default body limit reads bodies through a slow path (about half the throughput on
    // this workload, see /work/shared/perf-anchors.md): compare against Yoga at its best.
    maxRequestBodySize: false,
  });
  const server = createServer(yoga.requestListener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  serveUntilStopped(`http://127.0.0.1:${port}/graphql`, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await app.close();
  });
}

main().catch(fail);
