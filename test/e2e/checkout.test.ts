/**
 * The reference checkout (examples/web-checkout) in Debian's Chromium, driven by playwright-core:
 * cart -> "Pay with Cashii" -> the simulator's hosted page -> the return page, for each outcome,
 * plus a payment completed elsewhere while the return page waits (it must change live). Each
 * journey checks what the page shows and what the database holds, and leaves a screenshot in
 * test-artifacts/e2e/<variant>/.
 *
 * The journeys run three times: on the page's own origin through Vite's proxy; from another
 * origin straight at the BFF (CORS) with the BFF accepting trusted documents only, the page
 * sending documents as Apollo Client prints them; and the same with the page sending manifest ids
 * (PersistedQueryLink).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type CheckoutStack, type CheckoutStackOptions, startCheckoutStack } from './checkout-stack';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'e2e');
const SKIP_REASON = fs.existsSync(CHROMIUM)
  ? null
  : `skipped because ${CHROMIUM} is missing (.ci/run installs it; locally: apt-get install -y chromium)`;

const describeInBrowser = SKIP_REASON ? describe.skip : describe;

const TRUSTED_ONLY = { GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' };
const VARIANTS: Array<[string, string, CheckoutStackOptions]> = [
  ['on its own origin, through the Vite proxy', 'same-origin', {}],
  ['from another origin, trusted documents only, as Apollo Client prints them', 'cross-origin', { crossOrigin: true, env: TRUSTED_ONLY }],
  [
    'from another origin, trusted documents only, by manifest id',
    'persisted',
    { crossOrigin: true, persistedDocuments: true, env: TRUSTED_ONLY },
  ],
];

const STATUS_WORDS: Record<string, string> = { PAID: 'Paid', REJECTED: 'Rejected by Cashii', CANCELED: 'Canceled' };

/** One call of the page to /graphql over HTTP, as the browser made it. */
interface GraphQLCall {
  origin: string;
  /** The answer's Access-Control-Allow-Origin. */
  allowOrigin: string | null;
  /** Whether the document's text was sent (rather than only its id). */
  withDocument: boolean;
}

describeInBrowser.each(VARIANTS)(`web checkout in Chromium %s${SKIP_REASON ? `: ${SKIP_REASON}` : ''}`, (_name, folder, options) => {
  const artifacts = path.join(ARTIFACTS, folder);
  let stack: CheckoutStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    fs.mkdirSync(artifacts, { recursive: true });
    [stack, browser] = await Promise.all([
      startCheckoutStack(options),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    console.log(`browser suite (${folder}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  let calls: GraphQLCall[];
  beforeEach(async () => {
    // A fresh browser profile per journey: its own sessionStorage, so its own checkout attempt.
    context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    page = await context.newPage();
    calls = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || !request.url().endsWith('/graphql')) return;
      const body = JSON.parse(request.postData() ?? '{}') as { query?: string };
      calls.push({
        origin: new URL(request.url()).origin,
        allowOrigin: response.headers()['access-control-allow-origin'] ?? null,
        withDocument: body.query !== undefined,
      });
    });
  });

  /** Every call went where this variant sends it, was readable by the page, and carried what the variant sends. */
  function expectCallsAsConfigured(): void {
    const pageOrigin = new URL(stack.exampleUrl).origin;
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call).toEqual({
        origin: options.crossOrigin ? new URL(stack.app.url).origin : pageOrigin,
        // Needed across origins; through the proxy the browser still sends its (localhost) Origin, which development allows.
        allowOrigin: pageOrigin,
        withDocument: !options.persistedDocuments,
      });
    }
  }

  afterEach(async () => {
    await context.close();
  });

  /** The element's text with any kind of space (Intl uses no-break spaces) as a plain one. */
  const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.replace(/\s/g, ' ');
  const screenshot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  /** Opens the cart, presses "Pay with Cashii" and waits for the simulator's hosted page. */
  async function checkout(): Promise<{ cashiiId: string; paymentUrl: string }> {
    await page.goto(`${stack.exampleUrl}/`);
    await page.getByTestId('pay-with-cashii').click();
    await page.waitForURL((url) => url.href.startsWith(stack.simulator.paymentPageUrl));
    const paymentUrl = page.url();
    return { cashiiId: new URL(paymentUrl).searchParams.get('code')!, paymentUrl };
  }

  async function expectStatusShown(status: string): Promise<void> {
    await page.locator(`[data-testid="payment-status"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
    // The status in words a shopper reads (the enum is on data-status).
    expect(await page.getByTestId('payment-status').textContent()).toBe(STATUS_WORDS[status]);
    expect(await page.getByTestId('waiting').count()).toBe(0);
  }

  it('pay: a double click makes one payment, Pay returns to a page showing PAID', async () => {
    const before = await stack.simulatorStats();
    await page.goto(`${stack.exampleUrl}/`);
    expect(await text('cart-total')).toBe('SYP 120,000.00');
    await screenshot('cart');
    const createRequests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.postData()?.includes('"operationName":"CreateRemotePayment"'))
        createRequests.push(request.url());
    });
    // Two clicks in one task: both reach the handler before React disables the button, so only the
    // checkout attempt's idempotency key keeps the second from creating another payment.
    await page.getByTestId('pay-with-cashii').evaluate((element) => {
      const button = element as unknown as { click(): void };
      button.click();
      button.click();
    });
    await page.waitForURL((url) => url.href.startsWith(stack.simulator.paymentPageUrl));
    const cashiiId = new URL(page.url()).searchParams.get('code')!;
    expect(createRequests).toHaveLength(2);
    expect((await stack.simulatorStats()).create - before.create).toBe(1);
    expect((await stack.records()).filter((record) => record.cashiiId === cashiiId)).toHaveLength(1);

    await page.locator('#pay').click();
    await page.waitForURL((url) => url.pathname === '/return');
    const returnUrl = new URL(page.url());
    expect(returnUrl.searchParams.get('status')).toBe('paid');
    await expectStatusShown('PAID');
    expect(await page.getByTestId('payment-id').textContent()).toBe(cashiiId);
    expect(await text('payment-amount')).toBe('SYP 120,000.00');
    await screenshot('pay');

    const { record, events } = await stack.stored(cashiiId);
    expect(record).toMatchObject({ status: 'PAID', amount: 12_000_000, currency: 'SYP' });
    expect(record.transactionId).toBe(returnUrl.searchParams.get('transaction_id'));
    expect(record.idempotencyKey).toMatch(/^cart-[0-9a-f-]{36}:[0-9a-f-]{36}$/);
    expect(events).toEqual([
      { from: null, to: 'PENDING', source: 'create' },
      { from: 'PENDING', to: 'PAID', source: 'return' },
    ]);
    expect((await stack.simulatorStats()).create - before.create).toBe(1);
    expectCallsAsConfigured();
  });

  it.each([
    ['reject', 'REJECTED'],
    ['cancel', 'CANCELED'],
  ])('%s: the button returns to a page showing %s', async (action, status) => {
    const { cashiiId } = await checkout();
    await page.locator(`#${action}`).click();
    await page.waitForURL((url) => url.pathname === '/return');
    await expectStatusShown(status);
    await screenshot(action);

    const { record, events } = await stack.stored(cashiiId);
    expect(record.status).toBe(status);
    expect(events).toEqual([
      { from: null, to: 'PENDING', source: 'create' },
      { from: 'PENDING', to: status, source: 'return' },
    ]);
  });

  it('completed elsewhere: the open return page turns from waiting to PAID live, without a reload', async () => {
    const { cashiiId, paymentUrl } = await checkout();
    // The user comes back without paying (closed the tab, paid in the app later): the return URL
    // carries our reference, and the redirect's claim says pending.
    const reference = new URL(new URL(paymentUrl).searchParams.get('redirect')!).searchParams.get('cashii_ref')!;
    const back = new URL('/return', stack.exampleUrl);
    back.search = new URLSearchParams({
      cashii_ref: reference,
      transaction_id: 'txn_none',
      status: 'pending',
      signature: 'none',
    }).toString();
    await page.goto(back.href);
    await page.getByTestId('waiting').waitFor();
    expect(await page.getByTestId('payment-status').getAttribute('data-status')).toBe('PENDING');
    await screenshot('completed-elsewhere-waiting');
    expect((await stack.stored(cashiiId)).record.status).toBe('PENDING');

    // A marker that a reload would wipe out.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await stack.setAtSimulator(cashiiId, 'paid');
    await expectStatusShown('PAID');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(page.url()).toBe(back.href);
    await screenshot('completed-elsewhere');

    const { record, events } = await stack.stored(cashiiId);
    expect(record.status).toBe('PAID');
    expect(record.transactionId).toBeNull(); // the pending return proved nothing, so its transaction id is not kept
    expect(events.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: null, to: 'PENDING' },
      { from: 'PENDING', to: 'PAID' },
    ]);
    // Found by the server itself while the page watched (not by a return, and the reconciler is held back here).
    expect(events[1].source).toBe('read');
    expectCallsAsConfigured();
  });
});
