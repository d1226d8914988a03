/** `npm run sandbox`: the Cashii simulator on its own (port from CASHII_SIMULATOR_PORT, default 4010). */
import { loadConfig } from '../config';
import { startSimulator } from './simulator';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, CASHII_SIMULATOR: 'on', NODE_ENV: 'development' });
  const simulator = await startSimulator({ port: config.simulator.port, apiKey: process.env.CASHII_API_KEY || undefined });
  process.stdout.write(
    `Cashii simulator listening at ${simulator.url}\n` +
      `  API:          ${simulator.url}/api/v1/remote-payments (Bearer ${simulator.apiKey})\n` +
      `  Payment page: ${simulator.paymentPageUrl}?code=<id>&redirect=<url>\n`,
  );
  const stop = (): void => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
