// The Cashii simulator in its own process, so the upstream's CPU is neither the BFF's nor the
// load generator's.
import { startSimulator } from '../../src/sandbox/simulator';
import { fail, requiredEnv, serveUntilStopped } from './ipc';

async function main(): Promise<void> {
  const simulator = await startSimulator({ port: 0, host: '127.0.0.1', apiKey: requiredEnv('BENCH_CASHII_KEY') });
  serveUntilStopped(simulator.url, () => simulator.close());
}

main().catch(fail);
