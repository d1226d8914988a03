// The money invariant at the end of a soak: every payment Cashii (the simulator) holds as paid is
// its order's paid payment, or in the back office's review queue, or (without an order) stored as
// paid here. The payments are read from the BFF's database (read-only, so nothing here makes the
// BFF look at Cashii: a `payment(id)` read would refresh the very payments the reconciler must
// find), the queue from the back office's `reviewQueue` as an operator, Cashii's status from the
// simulator's control API (`POST /__control/payments/<id>` with no change answers the payment).
import { Agent } from 'node:http';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { type PersistedDocument, byHash, httpRequest } from './soak-http';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

interface Row {
  cashiiId: string;
  status: string;
  orderId: string | null;
  ownerId: string;
  superseded: boolean;
  reviewCode: string | null;
  reviewOpen: boolean;
  paysOrder: boolean;
}

const SQL = `SELECT p."cashiiId" AS "cashiiId", p.status AS status, p."orderId" AS "orderId", p."ownerId" AS "ownerId",
  CASE WHEN p."supersededAt" IS NULL THEN 0 ELSE 1 END AS superseded, p."reviewCode" AS "reviewCode",
  CASE WHEN p."reviewCode" IS NOT NULL AND p."reviewResolvedAt" IS NULL THEN 1 ELSE 0 END AS "reviewOpen",
  CASE WHEN EXISTS (SELECT 1 FROM merchant_orders o WHERE o."paidPaymentId" = p.id) THEN 1 ELSE 0 END AS "paysOrder"
  FROM payment_orders p WHERE p."cashiiId" IS NOT NULL`;

type RawRow = Omit<Row, 'superseded' | 'reviewOpen' | 'paysOrder'> & { superseded: number; reviewOpen: number; paysOrder: number };

async function readRows(target: DatabaseTarget): Promise<Row[]> {
  let raw: RawRow[];
  if (target.kind === 'sqlite') {
    const db = new Database(target.file, { readonly: true, fileMustExist: true });
    try {
      raw = db.prepare<[], RawRow>(SQL).all();
    } finally {
      db.close();
    }
  } else {
    const client = new Client({ connectionString: target.url });
    await client.connect();
    try {
      raw = (await client.query<RawRow>(SQL)).rows;
    } finally {
      await client.end();
    }
  }
  return raw.map((r) => ({
    ...r,
    superseded: Number(r.superseded) === 1,
    reviewOpen: Number(r.reviewOpen) === 1,
    paysOrder: Number(r.paysOrder) === 1,
  }));
}

/** Cashii's status of each id, asked 16 at a time. */
async function cashiiStatuses(simulatorUrl: string, ids: readonly string[]): Promise<Map<string, string>> {
  const agent = new Agent({ keepAlive: true });
  const statuses = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++];
      const answer = await httpRequest(
        agent,
        new URL(`/__control/payments/${id}`, simulatorUrl),
        'POST',
        { 'content-type': 'application/json' },
        '{}',
        30_000,
      );
      const status = answer.status === 200 ? (JSON.parse(answer.text) as { data?: { status?: string } }).data?.status : undefined;
      statuses.set(id, status ?? `unknown to Cashii (HTTP ${answer.status})`);
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}

/** The whole review queue as the back office shows it: payment id -> queue reason. */
async function reviewQueue(graphqlUrl: string, authorization: string, doc: PersistedDocument): Promise<Map<string, string>> {
  const agent = new Agent({ keepAlive: true });
  const queued = new Map<string, string>();
  let after: string | null = null;
  try {
    for (let pages = 0; pages < 10_000; pages++) {
      const answer = await httpRequest(
        agent,
        new URL(graphqlUrl),
        'POST',
        { 'content-type': 'application/json', authorization },
        byHash(doc, { first: 100, after }),
        30_000,
      );
      const body = JSON.parse(answer.text) as {
        data?: {
          reviewQueue?: {
            edges: Array<{ node: { queueReason: string | null; payment: { id: string } | null } }>;
            pageInfo: { endCursor: string | null; hasNextPage: boolean };
          };
        };
        errors?: unknown;
      };
      const page = body.data?.reviewQueue;
      if (!page) throw new Error(`reviewQueue failed: ${answer.text.slice(0, 300)}`);
      for (const edge of page.edges) if (edge.node.payment) queued.set(edge.node.payment.id, edge.node.queueReason ?? '?');
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  } finally {
    agent.destroy();
  }
  return queued;
}

export interface MoneyCheck {
  /** Seconds after the load ended. */
  readonly t: number;
  readonly stored: number;
  readonly paidAtCashii: number;
  readonly paysOrder: number;
  readonly paidWithoutOrder: number;
  readonly queued: number;
  readonly queuedByReason: Record<string, number>;
  /** Paid at Cashii, neither its order's paid payment nor queued (nor, without an order, stored as paid). */
  readonly unnoticed: number;
  readonly unnoticedSamples: string[];
  /** Open reviews in the database that the back office's queue did not list (must be 0). */
  readonly queueMismatch: number;
}

export interface MoneyOptions {
  readonly database: DatabaseTarget;
  readonly simulatorUrl: string;
  readonly graphqlUrl: string;
  readonly operatorAuthorization: string;
  readonly reviewQueueDoc: PersistedDocument;
  /** Ids the soak's clients were answered with (the database should hold them all). */
  readonly knownIds: ReadonlySet<string>;
}

/** Cashii's side, asked once: after the load nobody changes a payment at Cashii any more. */
export async function cashiiSide(options: MoneyOptions): Promise<{ statuses: Map<string, string>; missingHere: number }> {
  const rows = await readRows(options.database);
  const stored = new Set(rows.map((r) => r.cashiiId));
  const ids = new Set([...stored, ...options.knownIds]);
  const missingHere = [...options.knownIds].filter((id) => !stored.has(id)).length;
  return { statuses: await cashiiStatuses(options.simulatorUrl, [...ids]), missingHere };
}

export async function checkMoney(options: MoneyOptions, cashii: Map<string, string>, t: number): Promise<MoneyCheck> {
  const [rows, queue] = await Promise.all([
    readRows(options.database),
    reviewQueue(options.graphqlUrl, options.operatorAuthorization, options.reviewQueueDoc),
  ]);
  const queuedByReason: Record<string, number> = {};
  let paidAtCashii = 0;
  let paysOrder = 0;
  let paidWithoutOrder = 0;
  let queued = 0;
  let queueMismatch = 0;
  const unnoticed: Row[] = [];
  for (const row of rows) {
    if (row.reviewOpen && !queue.has(row.cashiiId)) queueMismatch++;
    if (cashii.get(row.cashiiId) !== 'paid') continue;
    paidAtCashii++;
    const reason = queue.get(row.cashiiId);
    if (row.paysOrder) paysOrder++;
    else if (reason !== undefined) {
      queued++;
      queuedByReason[reason] = (queuedByReason[reason] ?? 0) + 1;
    } else if (row.orderId === null && (row.status === 'PAID' || row.status === 'REFUNDED')) paidWithoutOrder++;
    else unnoticed.push(row);
  }
  return {
    t,
    stored: rows.length,
    paidAtCashii,
    paysOrder,
    paidWithoutOrder,
    queued,
    queuedByReason,
    unnoticed: unnoticed.length,
    unnoticedSamples: unnoticed
      .slice(0, 8)
      .map(
        (r) =>
          `${r.cashiiId} owner ${r.ownerId} order ${r.orderId ?? '-'} stored ${r.status}${r.superseded ? ', superseded' : ''}${r.reviewCode ? `, review ${r.reviewCode}` : ''}`,
      ),
    queueMismatch,
  };
}
