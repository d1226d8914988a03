// LC, the create limit: createRemotePayment with nothing but node:http, one prepared INSERT, the
// same create call to the Cashii simulator and one prepared UPDATE, in SQLite with the BFF's
// durability settings (WAL, synchronous=FULL: each statement commits on its own, with its fsync).
// The BFF's create does the same two commits around the same call, so every other contender's
// creates are measured against what this machine can do at all (the way L is the read limit).
import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { BENCH_VIEWER_ID } from './viewer';
import { fail, requiredEnv, serveUntilStopped } from './ipc';

interface Order {
  amount: number;
  currency: string;
  note?: string | null;
  redirectUrl: string;
}

const cashiiBase = new URL(requiredEnv('BENCH_CASHII_URL'));
const cashiiKey = requiredEnv('BENCH_CASHII_KEY');
const pageUrl = requiredEnv('BENCH_PAYMENT_PAGE_URL');
/** Keep-alive, no cap on sockets: the cheapest way node:http has to call Cashii. */
const agent = new Agent({ keepAlive: true });

// The BFF's table, copied from the BFF's own (migrated) file, so rows and indexes are the same.
const source = new Database(requiredEnv('BENCH_SCHEMA_FROM'), { readonly: true, fileMustExist: true });
const ddl = source
  .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE tbl_name = 'payment_orders' AND sql IS NOT NULL ORDER BY type DESC")
  .all();
source.close();

const db = new Database(requiredEnv('BENCH_SQLITE_FILE'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
for (const { sql } of ddl) db.exec(sql);

// What the BFF's new record holds (the other columns start NULL or at their default).
const INSERTED = [
  'id',
  'createState',
  'ownerId',
  'amount',
  'currency',
  'note',
  'metadata',
  'status',
  'payableTo',
  'orderId',
  'returnUrl',
  'idempotencyKey',
  'requestHash',
  'createdAt',
  'updatedAt',
];
const columns = db.pragma('table_info(payment_orders)') as Array<{ name: string; notnull: number; dflt_value: unknown }>;
const missing = columns.filter((c) => c.notnull === 1 && c.dflt_value === null && !INSERTED.includes(c.name)).map((c) => c.name);
if (missing.length > 0) throw new Error(`payment_orders has required columns the create limit does not fill: ${missing.join(', ')}`);
const present = new Set(columns.map((c) => c.name));
const inserted = INSERTED.filter((name) => present.has(name));
const insert = db.prepare(
  `INSERT INTO payment_orders (${inserted.map((c) => `"${c}"`).join(', ')}) VALUES (${inserted.map((c) => `@${c}`).join(', ')})`,
);
// What recording Cashii's id sets on the BFF's record.
const updated = ['cashiiId', 'createState', 'updatedAt', 'verifiedAt', 'nextCheckAt'].filter((name) => present.has(name));
const update = db.prepare(
  `UPDATE payment_orders SET ${updated.map((c) => `"${c}" = @${c}`).join(', ')} WHERE id = @id AND createState = 'SENDING'`,
);

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** POST /api/v1/remote-payments at the simulator; resolves to Cashii's id. */
function createAtCashii(order: Order): Promise<string> {
  const payload = JSON.stringify({ amount: order.amount, currency: order.currency, ...(order.note ? { note: order.note } : {}) });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: cashiiBase.hostname,
        port: cashiiBase.port,
        method: 'POST',
        path: '/api/v1/remote-payments',
        headers: {
          authorization: `Bearer ${cashiiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const id = res.statusCode === 201 ? (JSON.parse(text) as { data?: { id?: unknown } }).data?.id : undefined;
          if (typeof id === 'string' && /^\d{16}$/.test(id)) resolve(id);
          else reject(new Error(`Cashii answered ${res.statusCode}: ${text.slice(0, 200)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/graphql') return answer(res, 404, '{"errors":[{"message":"Not found"}]}');
  let order: Order | undefined;
  try {
    order = (JSON.parse(raw) as { variables?: { input?: Order } }).variables?.input;
  } catch {
    return answer(res, 400, '{"errors":[{"message":"Request body is not valid JSON"}]}');
  }
  if (!order || !Number.isSafeInteger(order.amount) || typeof order.currency !== 'string' || typeof order.redirectUrl !== 'string')
    return answer(res, 400, '{"errors":[{"message":"input is required"}]}');
  const id = randomUUID();
  const now = Date.now();
  const returnUrl = new URL(order.redirectUrl);
  returnUrl.searchParams.set('cashii_ref', id);
  const record: Record<string, unknown> = {
    id,
    createState: 'SENDING',
    ownerId: BENCH_VIEWER_ID,
    amount: order.amount,
    currency: order.currency,
    note: order.note ?? null,
    metadata: null,
    status: 'PENDING',
    payableTo: null,
    orderId: null,
    returnUrl: returnUrl.toString(),
    idempotencyKey: null,
    requestHash: null,
    createdAt: now,
    updatedAt: now,
  };
  insert.run(Object.fromEntries(inserted.map((key) => [key, record[key]])));
  const cashiiId = await createAtCashii(order);
  const at = Date.now();
  const values: Record<string, unknown> = { id, cashiiId, createState: 'CREATED', updatedAt: at, verifiedAt: at, nextCheckAt: at + 30_000 };
  update.run(Object.fromEntries(['id', ...updated].map((key) => [key, values[key]])));
  const paymentUrl = `${pageUrl}?code=${encodeURIComponent(cashiiId)}&redirect=${encodeURIComponent(returnUrl.toString())}`;
  // Same keys in the same order as the bench's selection.
  const payment = { id: cashiiId, amount: order.amount, currency: order.currency, status: 'PENDING', paymentUrl };
  answer(res, 200, JSON.stringify({ data: { createRemotePayment: payment } }));
}

const server = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    handle(req, res, raw).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) answer(res, 502, JSON.stringify({ errors: [{ message }] }));
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveUntilStopped(`http://127.0.0.1:${port}/graphql`, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    agent.destroy();
    db.close();
  });
});
server.on('error', fail);
