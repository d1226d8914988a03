/**
 * Child process of the browser tests: the example's Vite dev server, started programmatically
 * with the example's own config on a free port, proxying /graphql to BFF_URL (unless
 * VITE_GRAPHQL_URL sends the page to the BFF directly). It prints
 * `VITE_READY <url>` once it listens and closes on SIGTERM. (Vite is ESM-only and jest's module
 * system cannot load it, so it runs in its own Node process.)
 */
import path from 'node:path';

const CONFIG = path.join(__dirname, '..', '..', 'examples', 'web-checkout', 'vite.config.mts');

async function main(): Promise<void> {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: CONFIG,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('Vite did not report a local URL');
  process.stdout.write(`VITE_READY ${url.replace(/\/$/, '')}\n`);
  const stop = () => void server.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
