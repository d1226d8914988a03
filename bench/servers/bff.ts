// The BFF as main.ts boots it (config from the environment, startApp), forked by the bench so
// that the parent can measure its RSS and CPU alone.
import 'reflect-metadata';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { fail, serveUntilStopped } from './ipc';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await startApp(config, createLogger(config.logLevel));
  const early = process.env.BENCH_EARLY_PROFILE;
  if (early) profileFirstSeconds(early, Number(process.env.BENCH_EARLY_PROFILE_SECONDS ?? 15));
  // The reconciler is the BFF's background work: the bench pauses it while it measures another process.
  serveUntilStopped(`${app.url}/graphql`, () => app.close(), { pause: () => app.reconciler.stop(), resume: () => app.reconciler.start() });
}

/**
 * BENCH_EARLY_PROFILE=<file>: a CPU profile of the first seconds after ready (the soak's start
 * under load), written to `<file>.<pid>.cpuprofile`; `--cpu-prof` over a whole run costs too much.
 */
function profileFirstSeconds(file: string, seconds: number): void {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.start', () => {
      setTimeout(() => {
        session.post('Profiler.stop', (error, result) => {
          if (!error) fs.writeFileSync(`${file}.${process.pid}.cpuprofile`, JSON.stringify(result.profile));
          session.disconnect();
        });
      }, seconds * 1000).unref();
    }),
  );
}

main().catch(fail);
