// The BFF as main.ts boots it (config from the environment, startApp), forked by the bench so
// that the parent can measure its RSS and CPU alone.
import 'reflect-metadata';
import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { fail, serveUntilStopped } from './ipc';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await startApp(config, createLogger(config.logLevel));
  // The reconciler is the BFF's background work: the bench pauses it while it measures another process.
  serveUntilStopped(`${app.url}/graphql`, () => app.close(), { pause: () => app.reconciler.stop(), resume: () => app.reconciler.start() });
}

main().catch(fail);
