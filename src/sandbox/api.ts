/** The simulated Cashii API: create and retrieve Remote Payments, with scripted faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, sleep } from './http-util';
import type { Fault, SimPayment, SimulatorState } from './state';

export interface ApiOptions {
  apiKey: string;
  merchantAccount: string;
}

const ID_PATH = /^\/api\/v1\/remote-payments\/([^/]+)$/;

/** Handles `/api/v1/...`; returns false when the path is not an API route. */
export async function handleApi(
  state: SimulatorState,
  options: ApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const isCreate = req.method === 'POST' && path === '/api/v1/remote-payments';
  const getMatch = req.method === 'GET' ? ID_PATH.exec(path) : null;
  if (!isCreate && !getMatch) return false;

  const route = isCreate ? 'create' : 'get';
  state.stats[route]++;
  const fault = state.takeFault(route);
  const delay = state.latencyMs + (fault?.delayMs ?? 0);

  if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
    state.stats.unauthorized++;
    await sleep(delay);
    sendJson(res, 401, { error: { message: 'Unauthenticated' } });
    return true;
  }

  if (isCreate) {
    const body = await readBody(req);
    const created = fault?.afterCreate ? createPayment(state, options, body) : undefined;
    await sleep(delay);
    if (fault && misbehave(fault, req, res)) return true;
    const result = created ?? createPayment(state, options, body);
    if ('error' in result) sendJson(res, result.status, { error: { message: result.error } });
    else sendJson(res, 201, { data: { id: result.payment.id } });
    return true;
  }

  await sleep(delay);
  if (fault && misbehave(fault, req, res)) return true;
  const payment = state.payments.get(decodeURIComponent(getMatch![1]));
  if (!payment) sendJson(res, 404, { error: { message: 'Remote payment not found' } });
  else sendJson(res, 200, { data: publicView(payment) });
  return true;
}

type CreateResult = { payment: SimPayment } | { status: number; error: string };

function createPayment(state: SimulatorState, options: ApiOptions, raw: string): CreateResult {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, error: 'Body must be a JSON object' };
  }
  const problem = invalidField(body);
  if (problem) return { status: 422, error: `Invalid field: ${problem}` };
  const payment = state.create(body, options.merchantAccount);
  return { payment };
}

function invalidField(body: Record<string, unknown>): string | null {
  if (typeof body.amount !== 'number' || !Number.isSafeInteger(body.amount) || body.amount <= 0) return 'amount';
  if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) return 'currency';
  if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 1000)) return 'note';
  const metadata = body.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) return 'metadata';
  if (body.payable_to !== undefined && (typeof body.payable_to !== 'string' || !/^\d{16}$/.test(body.payable_to))) {
    return 'payable_to';
  }
  return null;
}

function publicView(payment: SimPayment): Record<string, unknown> {
  const { created_at: _createdAt, ...view } = payment;
  return view;
}

/** Applies a scripted fault; returns true when the response has been dealt with. */
function misbehave(fault: Fault, req: IncomingMessage, res: ServerResponse): boolean {
  if (fault.reset) {
    req.socket.destroy();
    return true;
  }
  if (fault.malformed) {
    const body = '{"data": {"id": 12';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  if (fault.truncated) {
    const body = JSON.stringify({ data: { id: '1234567890123456', status: 'paid' } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.write(body.slice(0, 10));
    setTimeout(() => req.socket.destroy(), 10);
    return true;
  }
  if (fault.status !== undefined) {
    const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
    const body = fault.body ?? JSON.stringify({ error: { message: `Simulated HTTP ${fault.status}` } });
    res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
    return true;
  }
  return false;
}
