// The soak's shoppers and operators: an open-loop mixed load at a fixed total rate (requests leave
// on schedule whether or not earlier ones were answered; each latency is measured from its
// scheduled departure), spread over the BFF replicas, with live subscriptions over graphql-ws and
// shoppers acting on the simulator's hosted page. Every GraphQL request uses the shipped client's
// persisted documents (sent by hash), as a mobile app in trusted-documents mode does.
import { randomInt, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { inspect } from 'node:util';
import { type Client as WsClient, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { REDIRECT_ORIGIN } from './graphql';
import { percentile } from './load';
import { type PersistedDocument, actOnHostedPage, byHash, httpRequest, mintToken, shippedDocuments } from './soak-http';

export type Op = 'create' | 'payment' | 'confirm' | 'order' | 'payments' | 'reviewQueue';
export const OPS: readonly Op[] = ['create', 'payment', 'confirm', 'order', 'payments', 'reviewQueue'];

/** Share of the scheduled requests per operation (a slot whose operation has nothing to act on falls back to a read or a list). */
const MIX: Readonly<Record<Op, number>> = { create: 0.1, payment: 0.5, confirm: 0.08, order: 0.17, payments: 0.1, reviewQueue: 0.05 };
const REQUEST_TIMEOUT_MS = 30_000;
const OPERATORS = 2;
/** How long a shopper keeps a page with a live subscription open. */
const SUBSCRIPTION_LIFE_MS = 30_000;

interface Viewer {
  readonly name: string;
  readonly authorization: string;
}

interface Pay {
  readonly id: string;
  readonly paymentUrl: string;
  readonly orderId: string | null;
  readonly amount: number;
  readonly owner: Shopper;
  /** The shopper never comes back for it: no read, no return, no subscription (only the reconciler can see what happens). */
  silent: boolean;
  /** Seen final (a read, a return or a subscription said so). */
  settled: boolean;
}

interface Shopper extends Viewer {
  readonly index: number;
  orders: number;
  readonly recent: Pay[];
  readonly orderIds: string[];
  readonly paidOrders: Array<{ orderId: string; amount: number }>;
  readonly returns: Array<{ pay: Pay; back: URL }>;
  readonly secondTabs: Array<{ orderId: string; amount: number; tabA: Pay }>;
  cursor: string | null;
  ws: WsClient | null;
}

interface Operator extends Viewer {
  cursor: string | null;
}

interface Target {
  readonly url: URL;
  readonly agent: Agent;
}

interface Envelope {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
}

interface PaymentAnswer {
  id?: unknown;
  status?: unknown;
  paymentUrl?: unknown;
  orderId?: unknown;
}

export interface OpFigures {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadReport {
  readonly seconds: number;
  readonly scheduled: number;
  readonly answered: number;
  readonly maxSendLagMs: number;
  readonly byOp: ReadonlyMap<Op, OpFigures>;
  /** Unexpected failures by code (GraphQL extensions.code, HTTP status, TIMEOUT, SOCKET ...), with a sample message. */
  readonly errors: ReadonlyArray<{ code: string; count: number; sample: string }>;
  /** Refusals the flow asked for (ORDER_ALREADY_PAID for a shopper coming back to a paid order). */
  readonly expected: ReadonlyArray<{ code: string; count: number }>;
  readonly creates: Readonly<Record<'noOrder' | 'singleTab' | 'tabA' | 'tabB' | 'paidAgain', number>>;
  readonly shoppers: Readonly<Record<'pay' | 'reject' | 'cancel' | 'gone' | 'returns' | 'silentPaid' | 'pageErrors', number>>;
  readonly subscriptions: Readonly<Record<'opened' | 'events' | 'settledSeen' | 'errors' | 'maxOpen' | 'socketsClosed', number>>;
  readonly anomalies: ReadonlyArray<string>;
}

const isPaymentId = (value: unknown): value is string => typeof value === 'string' && /^\d{16}$/.test(value);

export class SoakLoad {
  private readonly docs: Map<string, PersistedDocument>;
  private readonly shoppers: Shopper[];
  private readonly operators: Operator[];
  private readonly targets: Target[];
  private readonly pageAgent = new Agent({ keepAlive: true });
  private nextTarget = 0;
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly latencies = new Map<Op, number[]>(OPS.map((op) => [op, []]));
  private readonly errorCounts = new Map<string, { count: number; sample: string }>();
  private readonly expectedCounts = new Map<string, number>();
  private readonly anomalies: string[] = [];
  private readonly creates = { noOrder: 0, singleTab: 0, tabA: 0, tabB: 0, paidAgain: 0 };
  private readonly shopperCounts = { pay: 0, reject: 0, cancel: 0, gone: 0, returns: 0, silentPaid: 0, pageErrors: 0 };
  private readonly subCounts = { opened: 0, events: 0, settledSeen: 0, errors: 0, maxOpen: 0, socketsClosed: 0 };
  private readonly subscriptions = new Map<Pay, { dispose: () => void; since: number }>();
  private subTimer: NodeJS.Timeout | null = null;
  /** Every payment id a create answered with, whoever asked. */
  readonly knownIds = new Set<string>();
  private answered = 0;
  private maxSendLagMs = 0;

  constructor(
    root: string,
    graphqlUrls: readonly string[],
    private readonly options: { rate: number; shoppers: number; subscriptions: number },
  ) {
    this.docs = shippedDocuments(root);
    for (const name of [
      'CreateRemotePayment',
      'Payment',
      'ConfirmPaymentReturn',
      'Order',
      'Payments',
      'ReviewQueue',
      'PaymentStatusChanged',
    ]) {
      if (!this.docs.has(name)) throw new Error(`the shipped client has no ${name} document (client/src/gql/persisted-documents.json)`);
    }
    this.targets = graphqlUrls.map((url) => ({ url: new URL(url), agent: new Agent({ keepAlive: true }) }));
    this.shoppers = Array.from({ length: options.shoppers }, (_, index) => {
      const name = `soak-shopper-${index + 1}`;
      return {
        index,
        name,
        authorization: `Bearer ${mintToken(name)}`,
        orders: 0,
        recent: [],
        orderIds: [],
        paidOrders: [],
        returns: [],
        secondTabs: [],
        cursor: null,
        ws: null,
      };
    });
    this.operators = Array.from({ length: OPERATORS }, (_, i) => {
      const name = `soak-operator-${i + 1}`;
      return { name, authorization: `Bearer ${mintToken(name, { roles: ['payments-operator'] })}`, cursor: null };
    });
  }

  /** An operator's Authorization header, for the end-of-run queue reads. */
  get operatorAuthorization(): string {
    return this.operators[0].authorization;
  }

  get viewerCount(): number {
    return this.shoppers.length + this.operators.length;
  }

  private doc(name: string): PersistedDocument {
    return this.docs.get(name)!;
  }

  /** Opens one graphql-ws connection per shopper (spread over the replicas) and waits until each is acknowledged. */
  async connectSubscriptions(): Promise<void> {
    await Promise.all(
      this.shoppers.map(
        (shopper) =>
          new Promise<void>((resolve, reject) => {
            const target = this.targets[shopper.index % this.targets.length];
            const client = createClient({
              url: target.url.toString().replace(/^http/, 'ws'),
              webSocketImpl: WebSocket,
              connectionParams: { authorization: shopper.authorization },
              lazy: false,
              retryAttempts: 0,
              keepAlive: 10_000,
              onNonLazyError: (error) => reject(new Error(`graphql-ws: ${String(error)}`)),
            });
            client.on('connected', () => resolve());
            client.on('closed', () => {
              if (this.running) this.subCounts.socketsClosed++;
            });
            shopper.ws = client;
          }),
      ),
    );
  }

  /** Sends `rate` requests per second for `seconds`, then waits for the answers and the shoppers still on a page. */
  async run(seconds: number): Promise<LoadReport> {
    this.running = true;
    this.subTimer = setInterval(() => this.tendSubscriptions(), 250);
    const total = Math.max(1, Math.round(this.options.rate * seconds));
    const intervalMs = 1000 / this.options.rate;
    const started = performance.now();
    await new Promise<void>((done) => {
      let sent = 0;
      const tick = (): void => {
        const now = performance.now();
        while (sent < total && started + sent * intervalMs <= now) {
          const scheduledAt = started + sent++ * intervalMs;
          this.maxSendLagMs = Math.max(this.maxSendLagMs, now - scheduledAt);
          this.dispatch(scheduledAt);
        }
        if (sent >= total) return done();
        setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
      };
      tick();
    });
    const elapsed = (performance.now() - started) / 1000;
    this.running = false;
    if (this.subTimer) clearInterval(this.subTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    return this.report(elapsed, total);
  }

  /** Closes every subscription and WebSocket and the keep-alive sockets. */
  async close(): Promise<void> {
    for (const [, sub] of this.subscriptions) sub.dispose();
    this.subscriptions.clear();
    await Promise.all(
      this.shoppers.map(async (shopper) => {
        try {
          await shopper.ws?.dispose();
        } catch {
          // a socket the server already closed
        }
      }),
    );
    for (const target of this.targets) target.agent.destroy();
    this.pageAgent.destroy();
  }

  private track(work: Promise<void>): void {
    const settled = work.catch((error: unknown) => {
      this.fail('CLIENT_FAILURE', inspect(error, { depth: 2 }).slice(0, 300));
    });
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Runs `work` after `ms`, unless the load has ended by then (a shopper who never got to it). */
  private later(ms: number, work: () => Promise<void>): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) this.track(work());
    }, ms);
    this.timers.add(timer);
  }

  private dispatch(scheduledAt: number): void {
    let pick = Math.random();
    let op: Op = 'payment';
    for (const candidate of OPS) {
      pick -= MIX[candidate];
      if (pick < 0) {
        op = candidate;
        break;
      }
    }
    const shopper = this.shoppers[randomInt(this.shoppers.length)];
    this.track(this.perform(op, shopper, scheduledAt));
  }

  private async perform(op: Op, shopper: Shopper, at: number): Promise<void> {
    switch (op) {
      case 'create':
        return this.create(shopper, at);
      case 'confirm':
        return this.confirm(shopper, at);
      case 'order':
        return this.readOrder(shopper, at);
      case 'payments':
        return this.listPayments(shopper, at);
      case 'reviewQueue':
        return this.readQueue(at);
      default:
        return this.readPayment(shopper, at);
    }
  }

  /** One GraphQL request to the next replica; records its latency (from `scheduledAt`) and any failure. */
  private async send(op: Op, viewer: Viewer, body: string, scheduledAt: number, expectCode?: string): Promise<Envelope | null> {
    const target = this.targets[this.nextTarget++ % this.targets.length];
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: viewer.authorization };
    let answer;
    try {
      answer = await httpRequest(target.agent, target.url, 'POST', headers, body, REQUEST_TIMEOUT_MS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = message.startsWith('TIMEOUT') ? 'TIMEOUT' : `SOCKET ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
      this.fail(code, `${op}: ${message}`);
      return null;
    }
    this.answered++;
    this.latencies.get(op)!.push(performance.now() - scheduledAt);
    let envelope: Envelope;
    try {
      envelope = JSON.parse(answer.text) as Envelope;
    } catch {
      this.fail(`HTTP ${answer.status}`, `${op}: not JSON: ${answer.text.slice(0, 200)}`);
      return null;
    }
    const code =
      envelope.errors?.[0]?.extensions?.code ?? (envelope.errors ? 'NO_CODE' : answer.status !== 200 ? `HTTP ${answer.status}` : null);
    if (code === null) return envelope;
    if (code === expectCode) this.expectedCounts.set(code, (this.expectedCounts.get(code) ?? 0) + 1);
    else this.fail(code, `${op}: ${envelope.errors?.[0]?.message ?? answer.text.slice(0, 200)}`);
    return null;
  }

  private fail(code: string, sample: string): void {
    const entry = this.errorCounts.get(code);
    if (entry) entry.count++;
    else this.errorCounts.set(code, { count: 1, sample });
  }

  private anomaly(text: string): void {
    if (this.anomalies.length < 20) this.anomalies.push(text);
  }

  // --- creates ---------------------------------------------------------------------------------

  private async create(shopper: Shopper, at: number): Promise<void> {
    const second = shopper.secondTabs.shift();
    if (second) return this.createSecondTab(shopper, second, at);
    if (shopper.paidOrders.length > 0 && Math.random() < 0.05) {
      // Back after paying: the order is paid, the answer must be ORDER_ALREADY_PAID.
      const paid = shopper.paidOrders[randomInt(shopper.paidOrders.length)];
      this.creates.paidAgain++;
      const envelope = await this.send('create', shopper, this.createBody(paid.amount, paid.orderId), at, 'ORDER_ALREADY_PAID');
      if (envelope) this.anomaly(`a create for paid order ${paid.orderId} was answered with a payment`);
      return;
    }
    const kind = Math.random();
    const amount = randomInt(1_000, 5_000_000);
    if (kind < 0.3) {
      this.creates.noOrder++;
      const pay = await this.createPayment(shopper, amount, null, at);
      if (pay) this.planSingle(pay);
      return;
    }
    const orderId = `soak-${shopper.index + 1}-${++shopper.orders}`;
    remember(shopper.orderIds, orderId, 20);
    if (kind < 0.7) {
      this.creates.singleTab++;
      const pay = await this.createPayment(shopper, amount, orderId, at);
      if (pay) this.planSingle(pay);
      return;
    }
    // Tab A now; tab B, with the cart changed, at this shopper's next create.
    this.creates.tabA++;
    const tabA = await this.createPayment(shopper, amount, orderId, at);
    if (tabA) shopper.secondTabs.push({ orderId, amount: amount + randomInt(100, 100_000), tabA });
  }

  private async createSecondTab(shopper: Shopper, second: Shopper['secondTabs'][number], at: number): Promise<void> {
    this.creates.tabB++;
    const tabB = await this.createPayment(shopper, second.amount, second.orderId, at);
    if (!tabB) return;
    const tabA = second.tabA;
    if (tabB.id === tabA.id) return this.anomaly(`order ${second.orderId}: the changed cart was answered with tab A's payment ${tabA.id}`);
    // Tab A is superseded now. What the shopper does with the two open pages:
    const variant = randomInt(4);
    if (variant === 0) {
      // pays the new cart and comes back; tab A is left open, never paid
      this.shop(tabB, 'pay', true);
    } else if (variant === 1) {
      // pays the new cart and comes back, then pays tab A too and never comes back for it
      this.silence(tabA);
      this.shop(tabB, 'pay', true, () => this.shop(tabA, 'pay', false));
    } else if (variant === 2) {
      // pays the old tab first and never comes back for it, then pays the new cart and comes back
      this.silence(tabA);
      this.shop(tabA, 'pay', false, () => this.shop(tabB, 'pay', true));
    } else {
      // pays both tabs and comes back for neither
      this.silence(tabA);
      this.silence(tabB);
      this.shop(tabA, 'pay', false, () => this.shop(tabB, 'pay', false));
    }
  }

  private createBody(amount: number, orderId: string | null): string {
    const input: Record<string, unknown> = {
      amount,
      currency: 'SYP',
      note: 'soak',
      redirectUrl: `${REDIRECT_ORIGIN}/checkout/return`,
      idempotencyKey: randomUUID(),
    };
    if (orderId !== null) input.orderId = orderId;
    return byHash(this.doc('CreateRemotePayment'), { input });
  }

  private async createPayment(shopper: Shopper, amount: number, orderId: string | null, at: number): Promise<Pay | null> {
    const envelope = await this.send('create', shopper, this.createBody(amount, orderId), at);
    const answer = envelope?.data?.createRemotePayment as PaymentAnswer | undefined;
    if (!envelope) return null;
    if (!answer || !isPaymentId(answer.id) || answer.status !== 'PENDING' || typeof answer.paymentUrl !== 'string') {
      this.anomaly(`create answered ${JSON.stringify(answer).slice(0, 200)}`);
      return null;
    }
    this.knownIds.add(answer.id);
    const pay: Pay = { id: answer.id, paymentUrl: answer.paymentUrl, orderId, amount, owner: shopper, silent: false, settled: false };
    remember(shopper.recent, pay, 30);
    return pay;
  }

  // --- shoppers on the hosted page -----------------------------------------------------------

  /** What a shopper with one page open does: pay, reject, cancel or leave; comes back through the return page, mostly. */
  private planSingle(pay: Pay): void {
    const r = Math.random();
    if (r < 0.55) {
      const comesBack = Math.random() < 0.75;
      // Some who do not come back never look at the payment again either.
      if (!comesBack && Math.random() < 0.5) this.silence(pay);
      this.shop(pay, 'pay', comesBack);
    } else if (r < 0.65) this.shop(pay, 'reject', Math.random() < 0.8);
    else if (r < 0.75) this.shop(pay, 'cancel', Math.random() < 0.8);
    else this.shopperCounts.gone++;
  }

  private silence(pay: Pay): void {
    pay.silent = true;
    const sub = this.subscriptions.get(pay);
    if (sub) {
      sub.dispose();
      this.subscriptions.delete(pay);
    }
  }

  private shop(pay: Pay, action: 'pay' | 'reject' | 'cancel', comesBack: boolean, then?: () => void): void {
    this.later(randomInt(300, 4000), async () => {
      try {
        const back = await actOnHostedPage(this.pageAgent, pay.paymentUrl, action);
        if (back === null) return this.anomaly(`the hosted page of ${pay.id} offered no ${action} button`);
        this.shopperCounts[action]++;
        if (action === 'pay' && pay.silent) this.shopperCounts.silentPaid++;
        if (comesBack) pay.owner.returns.push({ pay, back });
      } catch (error) {
        this.shopperCounts.pageErrors++;
        this.anomaly(`hosted page of ${pay.id}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      then?.();
    });
  }

  // --- reads, returns, lists, the back office -----------------------------------------------

  private async readPayment(shopper: Shopper, at: number): Promise<void> {
    const candidates = shopper.recent.slice(-12).filter((pay) => !pay.silent);
    if (candidates.length === 0) return this.listPayments(shopper, at);
    const pay = candidates[randomInt(candidates.length)];
    const envelope = await this.send('payment', shopper, byHash(this.doc('Payment'), { id: pay.id }), at);
    const payment = envelope?.data?.payment as PaymentAnswer | null | undefined;
    if (envelope && payment?.id !== pay.id) this.anomaly(`payment(${pay.id}) answered ${JSON.stringify(payment).slice(0, 200)}`);
    if (payment && payment.status !== 'PENDING') pay.settled = true;
  }

  private async confirm(shopper: Shopper, at: number): Promise<void> {
    // Whoever comes back next through a return page.
    let owner = shopper;
    for (let i = 0; i < this.shoppers.length && owner.returns.length === 0; i++)
      owner = this.shoppers[(shopper.index + i) % this.shoppers.length];
    const visit = owner.returns.shift();
    if (!visit) return this.readPayment(shopper, at);
    this.shopperCounts.returns++;
    const input = {
      reference: visit.back.searchParams.get('cashii_ref'),
      transactionId: visit.back.searchParams.get('transaction_id'),
      status: visit.back.searchParams.get('status'),
      signature: visit.back.searchParams.get('signature'),
    };
    const envelope = await this.send('confirm', owner, byHash(this.doc('ConfirmPaymentReturn'), { input }), at);
    const payment = envelope?.data?.confirmPaymentReturn as PaymentAnswer | undefined;
    if (!payment) return;
    if (payment.id !== visit.pay.id) this.anomaly(`the return of ${visit.pay.id} was answered with ${String(payment.id)}`);
    if (payment.status !== 'PENDING') visit.pay.settled = true;
    if (payment.status === 'PAID' && visit.pay.orderId !== null) {
      remember(owner.paidOrders, { orderId: visit.pay.orderId, amount: visit.pay.amount }, 10);
    }
  }

  private async readOrder(shopper: Shopper, at: number): Promise<void> {
    if (shopper.orderIds.length === 0) return this.listPayments(shopper, at);
    const orderId = shopper.orderIds[randomInt(shopper.orderIds.length)];
    const envelope = await this.send('order', shopper, byHash(this.doc('Order'), { orderId }), at);
    // An order whose create is still in flight is not there yet (null); any order answered must be this one.
    const order = envelope?.data?.order as { orderId?: unknown } | null | undefined;
    if (order && order.orderId !== orderId) this.anomaly(`order(${orderId}) answered ${String(order.orderId)}`);
  }

  private async listPayments(shopper: Shopper, at: number): Promise<void> {
    const after = Math.random() < 0.3 ? shopper.cursor : null;
    const envelope = await this.send('payments', shopper, byHash(this.doc('Payments'), { first: 20, after }), at);
    const page = envelope?.data?.payments as { pageInfo?: { endCursor?: string | null; hasNextPage?: boolean } } | undefined;
    if (page) shopper.cursor = page.pageInfo?.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
  }

  private async readQueue(at: number): Promise<void> {
    const operator = this.operators[randomInt(this.operators.length)];
    const envelope = await this.send('reviewQueue', operator, byHash(this.doc('ReviewQueue'), { first: 20, after: operator.cursor }), at);
    const page = envelope?.data?.reviewQueue as { pageInfo?: { endCursor?: string | null; hasNextPage?: boolean } } | undefined;
    if (page) operator.cursor = page.pageInfo?.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
  }

  // --- live subscriptions --------------------------------------------------------------------

  /** Keeps `subscriptions` open on shoppers' newest unsettled payments; a page is closed after a while or once its payment settled. */
  private tendSubscriptions(): void {
    const now = performance.now();
    for (const [pay, sub] of this.subscriptions) {
      if (pay.settled || pay.silent || now - sub.since > SUBSCRIPTION_LIFE_MS) {
        sub.dispose();
        this.subscriptions.delete(pay);
      }
    }
    for (let tries = 0; tries < 100 && this.subscriptions.size < this.options.subscriptions; tries++) {
      const shopper = this.shoppers[randomInt(this.shoppers.length)];
      const pay = [...shopper.recent].reverse().find((p) => !p.silent && !p.settled && !this.subscriptions.has(p));
      if (pay && shopper.ws) this.subscribe(shopper.ws, pay);
    }
    this.subCounts.maxOpen = Math.max(this.subCounts.maxOpen, this.subscriptions.size);
  }

  private subscribe(ws: WsClient, pay: Pay): void {
    this.subCounts.opened++;
    const doc = this.doc('PaymentStatusChanged');
    const dispose = ws.subscribe(
      { query: doc.document, variables: { id: pay.id } },
      {
        next: (result) => {
          if (result.errors) {
            this.subCounts.errors++;
            this.anomaly(`subscription of ${pay.id}: ${JSON.stringify(result.errors).slice(0, 200)}`);
          }
          const payment = (result.data as { paymentStatusChanged?: PaymentAnswer } | null | undefined)?.paymentStatusChanged;
          if (!payment) return;
          this.subCounts.events++;
          if (payment.status !== 'PENDING' && !pay.settled) {
            pay.settled = true;
            this.subCounts.settledSeen++;
          }
        },
        error: (error) => {
          if (!this.running) return;
          this.subCounts.errors++;
          this.anomaly(
            `subscription of ${pay.id} failed: ${String(error instanceof Error ? error.message : JSON.stringify(error)).slice(0, 200)}`,
          );
        },
        complete: () => undefined,
      },
    );
    this.subscriptions.set(pay, { dispose, since: performance.now() });
  }

  private report(seconds: number, scheduled: number): LoadReport {
    const byOp = new Map<Op, OpFigures>();
    for (const op of OPS) {
      const sorted = Float64Array.from(this.latencies.get(op)!).sort();
      byOp.set(op, {
        count: sorted.length,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? NaN,
      });
    }
    return {
      seconds,
      scheduled,
      answered: this.answered,
      maxSendLagMs: this.maxSendLagMs,
      byOp,
      errors: [...this.errorCounts].map(([code, { count, sample }]) => ({ code, count, sample })).sort((a, b) => b.count - a.count),
      expected: [...this.expectedCounts].map(([code, count]) => ({ code, count })),
      creates: { ...this.creates },
      shoppers: { ...this.shopperCounts },
      subscriptions: { ...this.subCounts },
      anomalies: [...this.anomalies],
    };
  }
}

function remember<T>(list: T[], item: T, keep: number): void {
  list.push(item);
  if (list.length > keep) list.splice(0, list.length - keep);
}
