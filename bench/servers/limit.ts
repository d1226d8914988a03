// L, the limit: answering payment(id) with nothing but node:http and one prepared SQLite read,
// so every other contender is measured against what this machine can do at all.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { BENCH_VIEWER_ID } from './viewer';
import { fail, requiredEnv, serveUntilStopped } from './ipc';

interface Row {
  id: string;
  amount: number;
  currency: string;
  status: string;
  updatedAt: number;
}

// The BFF's own file, opened read-only: the same row, the same page cache.
const db = new Database(requiredEnv('BENCH_SQLITE_FILE'), { readonly: true, fileMustExist: true });
// payment(id) takes Cashii's id, which is the row's unique key (the primary key is an internal UUID).
const byId = db.prepare<[string, string], Row>(
  'SELECT cashiiId AS id, amount, currency, status, updatedAt FROM payment_orders WHERE cashiiId = ? AND ownerId = ?',
);

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  if (req.method !== 'POST' || req.url !== '/graphql') return answer(res, 404, '{"errors":[{"message":"Not found"}]}');
  let id: unknown;
  try {
    id = (JSON.parse(raw) as { variables?: { id?: unknown } }).variables?.id;
  } catch {
    return answer(res, 400, '{"errors":[{"message":"Request body is not valid JSON"}]}');
  }
  if (typeof id !== 'string') return answer(res, 400, '{"errors":[{"message":"id is required"}]}');
  const row = byId.get(id, BENCH_VIEWER_ID);
  // Same keys in the same order as the GraphQL selection, so the bodies compare byte for byte.
  const payment = row
    ? { id: row.id, amount: row.amount, currency: row.currency, status: row.status, updatedAt: new Date(row.updatedAt).toISOString() }
    : null;
  answer(res, 200, JSON.stringify({ data: { payment } }));
}

const server = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => handle(req, res, raw));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveUntilStopped(`http://127.0.0.1:${port}/graphql`, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    db.close();
  });
});
server.on('error', fail);
