// M: the project's schema and context served by mercurius 16 with graphql-jit on fastify 5, the
// fastest alternative a user could pick.
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildAppGraphQL } from './app-graphql';
import { fail, serveUntilStopped } from './ipc';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await buildAppGraphQL(config, createLogger(config.logLevel));
  const fastify = Fastify({ logger: false });
  await fastify.register(mercurius, {
    schema: app.schema,
    context: (request) => app.context(request.raw),
    // Compile a query to JS after its first use.
    jit: 1,
    graphiql: false,
    path: '/graphql',
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = fastify.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify is not listening on TCP');
  serveUntilStopped(`http://127.0.0.1:${address.port}/graphql`, async () => {
    await fastify.close();
    await app.close();
  });
}

main().catch(fail);
