/**
 * Everything the browser journeys run against: the Cashii simulator and the BFF in-process (as
 * test/support/stack.ts starts them, but with development auth and no redirect allow-list, as
 * `npm start` runs), a fresh SQLite database, and the example's Vite dev server in a child process,
 * either proxying /graphql to that BFF or (`crossOrigin`) serving a page that calls the BFF on its
 * own origin directly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { RunningApp } from '../../src/app';
import { PaymentEventRecord } from '../../src/payments/store/payment-event-entity';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import type { RunningSimulator } from '../../src/sandbox/simulator';
import { changeAtSimulator, startStack } from '../support/stack';

const ROOT = path.join(__dirname, '..', '..');

export interface StoredPayment {
  record: PaymentOrder;
  /** Status changes, oldest first. */
  events: Array<{ from: string | null; to: string; source: string }>;
}

export interface CheckoutStack {
  readonly app: RunningApp;
  readonly simulator: RunningSimulator;
  /** Base URL of the example, e.g. http://127.0.0.1:41234. */
  readonly exampleUrl: string;
  readonly logs: string[];
  simulatorStats(): Promise<{ create: number; get: number; page: number }>;
  /** Marks the payment at the simulator, behind the BFF's back (as if paid in another tab or app). */
  setAtSimulator(cashiiId: string, status: 'paid' | 'rejected' | 'canceled'): Promise<void>;
  stored(cashiiId: string): Promise<StoredPayment>;
  records(): Promise<PaymentOrder[]>;
  close(): Promise<void>;
}

export interface CheckoutStackOptions {
  /** More BFF settings (e.g. GRAPHQL_TRUSTED_DOCUMENTS_ONLY). */
  env?: Record<string, string>;
  /** The page calls the BFF's own URL (another origin, CORS) instead of going through Vite's proxy. */
  crossOrigin?: boolean;
  /** The page sends operations by their manifest id (PersistedQueryLink) instead of their text. */
  persistedDocuments?: boolean;
}

export async function startCheckoutStack(options: CheckoutStackOptions = {}): Promise<CheckoutStack> {
  // As `npm start` runs: development auth, no redirect allow-list. The reconciler stays out of the
  // journeys, so each change is made by the page's own calls.
  const stack = await startStack('sqlite', { AUTH_MODE: 'dev', RECONCILER_BASE_DELAY_MS: '120000', LOG_LEVEL: 'info', ...options.env });
  const { app, simulator } = stack;
  let vite: ChildProcess | null = null;
  try {
    const started = await startVite(app.url, {
      ...(options.crossOrigin ? { VITE_GRAPHQL_URL: `${app.url}/graphql` } : {}),
      ...(options.persistedDocuments ? { VITE_PERSISTED_DOCUMENTS: 'manifest' } : {}),
    });
    vite = started.child;
    return {
      app,
      simulator,
      exampleUrl: started.url,
      logs: stack.logs,
      simulatorStats: () => stack.simulatorStats(),
      setAtSimulator: (cashiiId, status) => changeAtSimulator(stack, cashiiId, { status }),
      records: () => stack.records(),
      stored: async (cashiiId) => {
        const record = await app.dataSource.getRepository(PaymentOrder).findOneByOrFail({ cashiiId });
        const events = await app.dataSource
          .getRepository(PaymentEventRecord)
          .find({ where: { paymentId: record.id }, order: { at: 'ASC' } });
        return { record, events: events.map((event) => ({ from: event.fromStatus, to: event.toStatus, source: event.source })) };
      },
      close: async () => {
        await stopChild(vite);
        await stack.close();
      },
    };
  } catch (error) {
    await stopChild(vite);
    await stack.close();
    throw error;
  }
}

/** The example's Vite dev server (test/e2e/vite-dev-server.ts) in a child process; resolves once it listens. */
function startVite(bffUrl: string, pageEnv: Record<string, string>, timeoutMs = 30_000): Promise<{ child: ChildProcess; url: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITE_')));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'vite-dev-server.ts')], {
    cwd: ROOT,
    env: { ...inherited, ...pageEnv, BFF_URL: bffUrl, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Vite did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /VITE_READY (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Vite exited with ${code}:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
