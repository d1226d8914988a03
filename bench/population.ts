// The data the client rows read, made as clients make it: many viewers (each with a token of its
// own), their payments created through the BFF's real createRemotePayment (the client's document),
// most of them marked paid at the simulator and read once through the BFF, which stores PAID.
// Every answer the rows will ask for is then read from the BFF: those are the references every
// contender must give, byte for byte but for the confirmation times (updatedAt, verifiedAt): a
// PENDING read re-confirms with Cashii, and the reconciler's settled checks re-confirm a PAID
// payment a minute after it was paid (then an hour, a day), during the rows.
import { clientBody } from './client-documents';
import { type Check, REDIRECT_ORIGIN, type Shot, type SimulatorControl, exactlyButConfirmationTimes, gql } from './graphql';
import { apolloHeadersFor } from './token';

/** How many viewers and payments: the full run's, or --quick's (fewer, every kind still there). */
export interface PopulationSize {
  readonly viewers: number;
  /** Of those, viewers whose first page of `Payments` is full (20 paid payments and more). */
  readonly heavyViewers: number;
  /** Paid payments of every other viewer. */
  readonly paidPerViewer: number;
  /** Paid payments of a heavy viewer (>= 20). */
  readonly paidPerHeavyViewer: number;
}

export interface Population {
  readonly viewers: number;
  readonly payments: number;
  /** The client's `Payment`, one per (viewer, own PAID payment). */
  readonly paid: readonly Shot[];
  /** The client's `Payment`, one per (viewer, own PENDING payment). */
  readonly pending: readonly Shot[];
  /** The client's `Order`, one per (viewer, own paid order). */
  readonly orders: readonly Shot[];
  /** The client's `Payments` (first 20), one per heavy viewer. */
  readonly pages: readonly Shot[];
}

/** Each viewer's locale: the client sends it as `$locale`; a third read in Arabic (Syria). */
const localeOf = (viewer: number): string => (viewer % 3 === 2 ? 'ar-SY' : 'en-US');
const CURRENCIES = ['SYP', 'USD', 'EUR', 'TRY'];

/** Runs `fn` over `items`, `width` at a time. */
export async function inPool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

interface Envelope {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

function dataOf(body: string): Record<string, unknown> | string {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(body) as Envelope;
  } catch {
    return 'not JSON';
  }
  if (envelope.errors !== undefined) return `GraphQL errors: ${JSON.stringify(envelope.errors).slice(0, 300)}`;
  return envelope.data ?? 'no data';
}

/** A payment with this id and status (and no errors). */
function paymentIs(id: string, status: string): Check {
  return (body) => {
    const data = dataOf(body);
    if (typeof data === 'string') return data;
    const payment = data.payment as { id?: unknown; status?: unknown; __typename?: unknown } | null;
    if (payment?.id !== id || payment.status !== status || payment.__typename !== 'RemotePayment')
      return `expected payment ${id} ${status}`;
    return null;
  };
}

/** The reference answer of `body`, read once and checked by `check`: what every contender's answer must be, but for the confirmation times. */
async function reference(url: string, body: string, headers: Readonly<Record<string, string>>, check: Check): Promise<Check> {
  return exactlyButConfirmationTimes(await gql(url, body, check, headers));
}

/**
 * Seeds `size` through the BFF at `url` (its viewers named `<prefix>-<n>`) and reads the
 * references. Per viewer, its PENDING payment is created first, so that a heavy viewer's first
 * page (newest first) holds only PAID payments: a page answer then never moves.
 */
export async function seedPopulation(url: string, control: SimulatorControl, size: PopulationSize, prefix: string): Promise<Population> {
  interface Seeded {
    readonly n: number;
    readonly viewer: string;
    readonly locale: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly heavy: boolean;
    readonly pending: string[];
    readonly paid: Array<{ id: string; orderId: string }>;
  }
  const viewers: Seeded[] = Array.from({ length: size.viewers }, (_, n) => ({
    n,
    viewer: `${prefix}-${n}`,
    locale: localeOf(n),
    headers: apolloHeadersFor(`${prefix}-${n}`),
    heavy: n < size.heavyViewers,
    pending: [],
    paid: [],
  }));

  // Creates: one viewer after another within a viewer (its order of creation is its list's), many viewers at once.
  await inPool(viewers, 16, async (v) => {
    const count = 1 + (v.heavy ? size.paidPerHeavyViewer : size.paidPerViewer);
    for (let i = 0; i < count; i++) {
      const orderId = `${v.viewer}-order-${i}`;
      const input = {
        amount: 1000 + ((v.n * 7919 + i * 104_729) % 9_000_000),
        currency: CURRENCIES[i % CURRENCIES.length],
        note: `bench order ${i}`,
        orderId,
        redirectUrl: `${REDIRECT_ORIGIN}/checkout/return`,
      };
      const text = await gql(
        url,
        clientBody('CreateRemotePayment', { input, locale: v.locale }),
        (body) => {
          const data = dataOf(body);
          if (typeof data === 'string') return data;
          const created = data.createRemotePayment as { id?: unknown; status?: unknown } | undefined;
          return typeof created?.id === 'string' && created.status === 'PENDING' ? null : 'not a created PENDING payment';
        },
        v.headers,
      );
      const id = (dataOf(text) as { createRemotePayment: { id: string } }).createRemotePayment.id;
      if (i === 0) v.pending.push(id);
      else v.paid.push({ id, orderId });
    }
  });

  // Paid at Cashii, then one read each through the BFF (STATUS_TTL_MS=0: it confirms and stores PAID).
  const paidIds = viewers.flatMap((v) => v.paid.map((p) => ({ v, id: p.id })));
  await inPool(paidIds, 32, ({ id }) => control.setStatus(id, 'paid'));
  const paymentBody = (v: Seeded, id: string): string => clientBody('Payment', { id, locale: v.locale });
  await inPool(paidIds, 16, async ({ v, id }) => void (await gql(url, paymentBody(v, id), paymentIs(id, 'PAID'), v.headers)));

  // One read each for the references: the rows' windows and M's check compare every answer with them.
  const paid: Shot[] = [];
  await inPool(paidIds, 16, async ({ v, id }) => {
    const body = paymentBody(v, id);
    paid.push({ body, headers: v.headers, check: await reference(url, body, v.headers, paymentIs(id, 'PAID')) });
  });

  const pending: Shot[] = [];
  await inPool(viewers, 16, async (v) => {
    for (const id of v.pending) {
      const body = paymentBody(v, id);
      pending.push({ body, headers: v.headers, check: await reference(url, body, v.headers, paymentIs(id, 'PENDING')) });
    }
  });

  const orders: Shot[] = [];
  const paidOrders = viewers.flatMap((v) => v.paid.map((p) => ({ v, orderId: p.orderId })));
  await inPool(paidOrders, 16, async ({ v, orderId }) => {
    const body = clientBody('Order', { orderId, locale: v.locale });
    const check: Check = (answer) => {
      const data = dataOf(answer);
      if (typeof data === 'string') return data;
      const order = data.order as { orderId?: unknown; status?: unknown } | null;
      return order?.orderId === orderId && order.status === 'PAID' ? null : `expected order ${orderId} PAID`;
    };
    orders.push({ body, headers: v.headers, check: await reference(url, body, v.headers, check) });
  });

  const pages: Shot[] = [];
  await inPool(
    viewers.filter((v) => v.heavy),
    16,
    async (v) => {
      // Every variable given, the defaults too ($first: Int! = 20 has the same graphql-jit pitfall as $locale).
      const body = clientBody('Payments', { first: 20, after: null, status: null, locale: v.locale });
      const check: Check = (answer) => {
        const data = dataOf(answer);
        if (typeof data === 'string') return data;
        const edges = (data.payments as { edges?: Array<{ node?: { status?: unknown } }> } | null)?.edges ?? [];
        if (edges.length !== 20) return `expected a page of 20, got ${edges.length}`;
        return edges.every((edge) => edge.node?.status === 'PAID') ? null : 'a page payment is not PAID';
      };
      pages.push({ body, headers: v.headers, check: await reference(url, body, v.headers, check) });
    },
  );

  return {
    viewers: viewers.length,
    payments: viewers.reduce((sum, v) => sum + v.pending.length + v.paid.length, 0),
    paid,
    pending,
    orders,
    pages,
  };
}
