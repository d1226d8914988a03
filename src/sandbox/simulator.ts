/**
 * The Cashii simulator: a real HTTP server with Cashii's create/retrieve endpoints, the hosted
 * payment page, and a control API (`/__control/...`) that tests use to script faults.
 * It is what development and every test talk to, because Cashii has no sandbox.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api';
import { readBody, sendJson } from './http-util';
import { actOnPaymentPage, showPaymentPage } from './page';
import { CASHII_STATUSES } from '../cashii/wire';
import { type Fault, type SimStatus, SimulatorState } from './state';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** The Bearer key the simulated API accepts. */
  apiKey?: string;
  /** Secret of the simulator's redirect signatures. */
  signingSecret?: string;
  /** The merchant's account number reported as `to`. */
  merchantAccount?: string;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:4010` (API base: the same URL). */
  readonly url: string;
  readonly paymentPageUrl: string;
  readonly apiKey: string;
  readonly state: SimulatorState;
  close(): Promise<void>;
}

export const DEFAULT_SIMULATOR_KEY = 'sim_local_development_key';
const STATUSES: readonly SimStatus[] = CASHII_STATUSES;
const CONTROL_STATUS = /^\/__control\/payments\/(\d{16})$/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = new SimulatorState();
  const apiKey = options.apiKey ?? DEFAULT_SIMULATOR_KEY;
  const signingSecret = options.signingSecret ?? 'sim_signing_secret';
  const merchantAccount = options.merchantAccount ?? '1000000000000001';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = async (): Promise<void> => {
      if (await handleApi(state, { apiKey, merchantAccount }, req, res, url.pathname)) return;
      if (url.pathname === '/payment' && req.method === 'GET') return showPaymentPage(state, url, res);
      if (url.pathname === '/payment' && req.method === 'POST') return actOnPaymentPage(state, signingSecret, req, res);
      if (url.pathname.startsWith('/__control/')) return control(state, req.method ?? 'GET', url.pathname, await readBody(req), res);
      sendJson(res, 404, { error: { message: 'Not found' } });
    };
    route().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'Simulator failure' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  return {
    url,
    paymentPageUrl: `${url}/payment`,
    apiKey,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function control(state: SimulatorState, method: string, path: string, raw: string, res: import('node:http').ServerResponse): void {
  const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  if (method === 'GET' && path === '/__control/stats') return sendJson(res, 200, state.stats);
  if (method === 'POST' && path === '/__control/reset') {
    state.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (method === 'POST' && path === '/__control/latency') {
    state.latencyMs = Number(body.ms ?? 0);
    return sendJson(res, 200, { ok: true });
  }
  if (method === 'POST' && path === '/__control/faults') {
    state.faults.push(body as unknown as Fault);
    return sendJson(res, 200, { ok: true });
  }
  const match = CONTROL_STATUS.exec(path);
  if (method === 'POST' && match) {
    // Changes a payment behind the BFF's back: a later refund, or (to test review) another amount.
    const payment = state.payments.get(match[1]);
    const status = body.status as SimStatus | undefined;
    if (!payment || (status !== undefined && !STATUSES.includes(status))) {
      return sendJson(res, 404, { error: { message: 'unknown payment or status' } });
    }
    if (status !== undefined) payment.status = status;
    if (status === 'paid' && !payment.from) payment.from = typeof body.from === 'string' ? body.from : '2000000000000002';
    if (typeof body.amount === 'number') payment.amount = body.amount;
    if (typeof body.currency === 'string') payment.currency = body.currency;
    return sendJson(res, 200, { data: payment });
  }
  sendJson(res, 404, { error: { message: 'Unknown control route' } });
}
