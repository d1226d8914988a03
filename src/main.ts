/** Boots the BFF: configuration, then the app; exits non-zero with a clear message when it cannot start. */
// First of all: OpenTelemetry patches http, pg and graphql as they load (off unless OTEL_* configure an exporter).
import { stopTracing } from './observability/tracing';
import 'reflect-metadata';
import { ConfigError, loadConfigWithWarnings, secretsOf } from './config';
import { loadDotEnv } from './config/dotenv';
import { startApp } from './app';
import { createLogger, readableDestination } from './logger';

async function main(): Promise<void> {
  const dotEnv = loadDotEnv();
  let loaded;
  try {
    loaded = loadConfigWithWarnings();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cashii BFF cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  // A person at a terminal reads lines; anything else (a file, a collector) gets JSON, one object per line.
  const readable = !config.production && process.stdout.isTTY === true ? readableDestination() : null;
  const log = createLogger(config.logLevel, readable ?? undefined, secretsOf(config));
  if (dotEnv) log.info('settings read from .env (variables set in the environment take precedence)');
  for (const warning of warnings) log.warn(warning);
  const app = await startApp(config, log);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app
      .close()
      .finally(stopTracing)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Cashii BFF failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
