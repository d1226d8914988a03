/**
 * One order, paid once, as a shopper meets it in the reference checkout (examples/web-checkout) in
 * Debian's Chromium: the cart keeps one order id (localStorage), asks `order(orderId)` on load and
 * after Back, and never offers Pay for a paid order; two tabs paying one cart end with one
 * payment, or with the second flagged for refund in the operators' review queue; and a network
 * that is down (or a BFF that answers an error) shows words a shopper understands. Each journey
 * checks the page and the database, and leaves screenshots in test-artifacts/e2e/orders/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type CheckoutStack, startCheckoutStack } from './checkout-stack';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'e2e', 'orders');
const SKIP_REASON = fs.existsSync(CHROMIUM)
  ? null
  : `skipped because ${CHROMIUM} is missing (.ci/run installs it; locally: apt-get install -y chromium)`;

const describeInBrowser = SKIP_REASON ? describe.skip : describe;

const UNREACHABLE = 'The payment service is not reachable right now. Please try again.';
/** What a shopper must never read: transport and upstream wording. */
const RAW = /failed to fetch|networkerror|net::|econnrefused|fetch failed|status code|503|upstream|cashii answered/i;

const CREATE = `mutation Create($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { id status paymentUrl } }`;
const ORDER = `query Order($orderId: String!) { order(orderId: $orderId) { orderId status paidPayment { id } payments { id status needsReview reviewReason } } }`;
const REVIEW_QUEUE = `query Queue($reason: ReviewReason) { reviewQueue(reason: $reason, first: 100) {
  edges { node { orderId queueReason reviewReason superseded payment { id status } } } } }`;

interface GraphQLAnswer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

describeInBrowser(`orders in the web checkout in Chromium${SKIP_REASON ? `: ${SKIP_REASON}` : ''}`, () => {
  let stack: CheckoutStack;
  let browser: Browser;
  let context: BrowserContext;
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [stack, browser] = await Promise.all([
      startCheckoutStack(),
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
    console.log(`browser suite (orders): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  beforeEach(async () => {
    // A fresh browser profile per journey: its own localStorage, so its own cart and order.
    context = await browser.newContext({ viewport: { width: 900, height: 760 } });
  });

  afterEach(async () => {
    await context.close();
  });

  /** The BFF as a server would call it: development auth, as the page's (default) dev user, optionally as an operator. */
  async function gql(query: string, variables: Record<string, unknown>, { operator = false } = {}): Promise<GraphQLAnswer> {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(operator ? { 'x-dev-operator': 'true' } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLAnswer;
  }

  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.replace(/\s/g, ' ');
  const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const bodyText = (page: Page) => page.locator('body').innerText();

  /** Opens the cart and waits until the page knows its order; answers the cart's order id. */
  async function openCart(page: Page): Promise<string> {
    await page.goto(`${stack.exampleUrl}/`);
    await page.getByTestId('cart').waitFor();
    await page.getByTestId('order-checking').waitFor({ state: 'detached' });
    return (await page.getByTestId('cart').getAttribute('data-order-id'))!;
  }

  /** Presses "Pay with Cashii" and waits for the simulator's hosted page; answers the Cashii id. */
  async function pressPay(page: Page): Promise<string> {
    await page.getByTestId('pay-with-cashii').click();
    await page.waitForURL((url) => url.href.startsWith(stack.simulator.paymentPageUrl));
    return new URL(page.url()).searchParams.get('code')!;
  }

  /** Presses Pay on the simulator's page and waits for the return page to show the confirmed status. */
  async function payOnHostedPage(page: Page, words = 'Paid'): Promise<void> {
    await page.locator('#pay').click();
    await page.waitForURL((url) => url.pathname === '/return');
    await page.locator('[data-testid="payment-status"]:not([data-status="PENDING"])').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('payment-status').textContent()).toBe(words);
  }

  const paymentsOf = async (orderId: string) => (await stack.records()).filter((record) => record.orderId === orderId);

  it('pay, then Back twice: the cart shows the order as paid with no Pay button, and a forced create is refused', async () => {
    const page = await context.newPage();
    const before = await stack.simulatorStats();
    const orderId = await openCart(page);
    expect(orderId).toMatch(/^cart-[0-9a-f-]{36}$/);
    expect(await page.getByTestId('pay-with-cashii').isEnabled()).toBe(true);
    const cashiiId = await pressPay(page);
    await payOnHostedPage(page);

    // The return page: the payment and the order it paid, in words.
    await page.locator('[data-testid="order-summary"][data-order-status="PAID"]').waitFor();
    expect(await text(page, 'order-id')).toBe(orderId);
    expect(await text(page, 'order-amount')).toBe('SYP 120,000.00');
    expect(await text(page, 'order-status')).toBe('Paid');
    expect(await page.getByTestId('paid-by-another').count()).toBe(0);
    await screenshot(page, 'paid-return');

    // Back to the hosted page: it is asked for again (no-store), so it says paid and offers no Pay button.
    await page.goBack();
    await page.waitForURL((url) => url.href.startsWith(stack.simulator.paymentPageUrl));
    expect(await page.locator('#status').textContent()).toBe('paid');
    expect(await page.locator('#pay').count()).toBe(0);
    await screenshot(page, 'paid-back-to-hosted-page');
    // Back again to the cart.
    await page.goBack();
    await page.waitForURL((url) => url.href === `${stack.exampleUrl}/`);
    await page.getByTestId('order-paid').waitFor({ timeout: 15_000 });
    expect(await text(page, 'order-paid')).toContain('This order is paid');
    expect(await text(page, 'paid-payment-id')).toBe(cashiiId);
    expect(await page.getByTestId('pay-with-cashii').count()).toBe(0);
    expect(await page.getByTestId('resume-payment').count()).toBe(0);
    // Also when the tab is shown again later (the page asks the BFF again, and still offers nothing to pay).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.getByTestId('order-paid').waitFor();
    expect(await page.getByTestId('pay-with-cashii').count()).toBe(0);
    await screenshot(page, 'paid-after-back-twice');

    // A create forced from the page (the same order, a new checkout attempt) is refused by the BFF.
    const forced = await page.evaluate(
      async ({ query, input }) => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { input } }),
        });
        return (await response.json()) as GraphQLAnswer;
      },
      {
        query: CREATE,
        input: {
          amount: 12_000_000,
          currency: 'SYP',
          orderId,
          idempotencyKey: `${orderId}:forced`,
          redirectUrl: `${stack.exampleUrl}/return`,
        },
      },
    );
    expect(forced.data?.createRemotePayment ?? null).toBeNull();
    expect(forced.errors?.[0].extensions).toMatchObject({ code: 'ORDER_ALREADY_PAID', paymentId: cashiiId });

    // The database: one payment for the order, PAID; Cashii was asked to create exactly one.
    const payments = await paymentsOf(orderId);
    expect(payments.map(({ cashiiId: id, status, amount }) => ({ id, status, amount }))).toEqual([
      { id: cashiiId, status: 'PAID', amount: 12_000_000 },
    ]);
    expect((await stack.simulatorStats()).create - before.create).toBe(1);
    const order = (await gql(ORDER, { orderId })).data?.order;
    expect(order).toMatchObject({ status: 'PAID', paidPayment: { id: cashiiId }, payments: [{ id: cashiiId, status: 'PAID' }] });

    // A new order starts from the paid cart's page.
    await page.getByTestId('new-cart').click();
    await page.getByTestId('pay-with-cashii').waitFor();
    expect(await page.getByTestId('cart').getAttribute('data-order-id')).not.toBe(orderId);
  });

  it('two tabs paying one cart: both are sent to the same payment, and the order ends with one PAID payment', async () => {
    const before = await stack.simulatorStats();
    const first = await context.newPage();
    const orderId = await openCart(first);
    const second = await context.newPage();
    expect(await openCart(second)).toBe(orderId); // one cart per browser, whatever the tab
    expect(await second.getByTestId('pay-with-cashii').count()).toBe(1);

    // Each tab has its own checkout attempt (idempotency key); the order hands out its pending payment.
    const firstId = await pressPay(first);
    const secondId = await pressPay(second);
    expect(secondId).toBe(firstId);
    expect((await stack.simulatorStats()).create - before.create).toBe(1);

    await payOnHostedPage(first);
    // The second tab's hosted page was loaded while the payment was pending; paying there finds it paid.
    await payOnHostedPage(second);
    expect(await text(second, 'payment-id')).toBe(firstId);
    await second.locator('[data-testid="order-summary"][data-order-status="PAID"]').waitFor();
    expect(await second.getByTestId('needs-review').count()).toBe(0);
    await screenshot(second, 'two-tabs-same-payment');

    // Back in the cart, either tab: paid, nothing to pay.
    await openCart(second);
    await second.getByTestId('order-paid').waitFor();
    expect(await second.getByTestId('pay-with-cashii').count()).toBe(0);

    const payments = await paymentsOf(orderId);
    expect(payments.map(({ cashiiId: id, status }) => ({ id, status }))).toEqual([{ id: firstId, status: 'PAID' }]);
    expect(payments[0].reviewCode).toBeNull();
    const queue = await gql(REVIEW_QUEUE, {}, { operator: true });
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.reviewQueue.edges.filter(({ node }: { node: { orderId: string } }) => node.orderId === orderId)).toEqual([]);
  });

  it('two tabs paying one cart that changed in between: one pays the order, the other is flagged for refund in the review queue', async () => {
    const before = await stack.simulatorStats();
    const first = await context.newPage();
    const orderId = await openCart(first);
    const firstId = await pressPay(first); // the first tab is on Cashii's page for 120,000

    // The second tab finds the payment waiting and offers to resume it ...
    const second = await context.newPage();
    expect(await openCart(second)).toBe(orderId);
    await second.getByTestId('resume-payment').waitFor();
    const resume = new URL((await second.getByTestId('resume-payment').getAttribute('href'))!);
    expect(resume.searchParams.get('code')).toBe(firstId);
    expect(await second.getByTestId('pay-with-cashii').count()).toBe(0);
    await screenshot(second, 'two-tabs-resume');
    // ... but the shopper adds a soap: another amount, so a new payment that supersedes the first.
    await second.getByTestId('more-Aleppo olive-oil soap').click();
    expect(await text(second, 'cart-total')).toBe('SYP 165,000.00');
    const secondId = await pressPay(second);
    expect(secondId).not.toBe(firstId);
    expect((await stack.simulatorStats()).create - before.create).toBe(2);

    await payOnHostedPage(second);
    await second.locator('[data-testid="order-summary"][data-order-status="PAID"]').waitFor();
    expect(await text(second, 'order-amount')).toBe('SYP 165,000.00');

    // The first tab still shows Cashii's page of the superseded payment, and the shopper pays it too.
    await payOnHostedPage(first);
    await first.getByTestId('will-be-refunded').waitFor();
    expect(await first.locator('h1').textContent()).toBe('This payment will be refunded');
    await first.locator('[data-testid="order-summary"][data-order-status="NEEDS_REVIEW"]').waitFor();
    expect(await text(first, 'order-status')).toBe('Being checked by the shop');
    expect(await text(first, 'paid-by-another')).toContain('The shop will refund this one');
    await screenshot(first, 'two-tabs-second-flagged');

    // The cart: no Pay button, the shop is checking.
    await openCart(first);
    await first.getByTestId('order-in-review').waitFor();
    expect(await text(first, 'order-in-review')).toContain('being checked by the shop');
    expect(await first.getByTestId('pay-with-cashii').count()).toBe(0);
    await screenshot(first, 'two-tabs-cart-in-review');

    // The database: the order was paid by the second payment; the first is paid and flagged to be refunded.
    const payments = await paymentsOf(orderId);
    const byId = new Map(payments.map((record) => [record.cashiiId, record]));
    expect(payments).toHaveLength(2);
    expect(byId.get(secondId)).toMatchObject({ status: 'PAID', reviewCode: null, amount: 16_500_000 });
    expect(byId.get(firstId)).toMatchObject({ status: 'PAID', reviewCode: 'SUPERSEDED_PAID', amount: 12_000_000 });
    expect(byId.get(firstId)!.reviewReason).toMatch(/refund/i);
    expect(byId.get(firstId)!.supersededAt).not.toBeNull();
    const order = (await gql(ORDER, { orderId })).data?.order;
    expect(order).toMatchObject({ status: 'NEEDS_REVIEW', paidPayment: { id: secondId } });

    // The operators' review queue shows it; a shopper may not read the queue.
    const queue = await gql(REVIEW_QUEUE, { reason: 'SUPERSEDED_PAID' }, { operator: true });
    expect(queue.errors).toBeUndefined();
    const queued = queue.data!.reviewQueue.edges.map(({ node }: { node: unknown }) => node).filter((node: any) => node.orderId === orderId);
    expect(queued).toEqual([
      expect.objectContaining({ queueReason: 'SUPERSEDED_PAID', superseded: true, payment: { id: firstId, status: 'PAID' } }),
    ]);
    expect((await gql(REVIEW_QUEUE, { reason: 'SUPERSEDED_PAID' })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('two tabs, a changed cart, the old tab paid first: its page says that payment will be refunded, the other page says so too', async () => {
    const first = await context.newPage();
    const orderId = await openCart(first);
    const oldId = await pressPay(first); // on Cashii's page for 120,000

    const second = await context.newPage();
    expect(await openCart(second)).toBe(orderId);
    await second.getByTestId('resume-payment').waitFor();
    await second.getByTestId('more-Aleppo olive-oil soap').click();
    const newId = await pressPay(second); // a new payment of 165,000 replaces the first
    expect(newId).not.toBe(oldId);

    // The shopper pays the old tab's page first: the superseded payment is paid, and flagged for refund.
    await payOnHostedPage(first);
    await first.getByTestId('will-be-refunded').waitFor();
    expect(await first.locator('h1').textContent()).toBe('This payment will be refunded');
    expect(await text(first, 'will-be-refunded')).toMatch(/will refund it|will be refunded/i);
    expect(await text(first, 'will-be-refunded')).toContain('SYP 120,000.00');
    expect(await first.getByTestId('other-refund').count()).toBe(0);
    await first.getByTestId('order-summary').waitFor();
    expect(await text(first, 'order-amount')).toBe('SYP 165,000.00'); // the order is the changed cart, not this payment
    expect(await bodyText(first)).not.toContain('Thank you');
    await screenshot(first, 'old-tab-paid-first-refund');

    // Then the new tab's page: this payment pays the order, and the page says the other one will be refunded.
    await payOnHostedPage(second);
    await second.locator('[data-testid="order-summary"][data-order-status="NEEDS_REVIEW"]').waitFor();
    expect(await text(second, 'payment-id')).toBe(newId);
    expect(await second.getByTestId('will-be-refunded').count()).toBe(0);
    await second.getByTestId('other-refund').waitFor();
    expect(await text(second, 'other-refund')).toContain('SYP 120,000.00');
    expect(await text(second, 'other-refund')).toContain(oldId);
    expect(await text(second, 'other-refund')).toMatch(/will refund/);
    expect(await text(second, 'other-refund')).toContain('This payment pays your order');
    await screenshot(second, 'new-tab-paid-second-other-refunded');

    // The first tab, shown again, now knows which payment paid the order.
    await first.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await first.getByTestId('paid-by-another').waitFor();
    expect(await text(first, 'will-be-refunded')).toMatch(/will refund it|will be refunded/i);

    const payments = await paymentsOf(orderId);
    const byId = new Map(payments.map((record) => [record.cashiiId, record]));
    expect(byId.get(oldId)).toMatchObject({ status: 'PAID', reviewCode: 'SUPERSEDED_PAID', amount: 12_000_000 });
    expect(byId.get(newId)).toMatchObject({ status: 'PAID', reviewCode: null, amount: 16_500_000 });
    expect((await gql(ORDER, { orderId })).data?.order).toMatchObject({ status: 'NEEDS_REVIEW', paidPayment: { id: newId } });
  });

  it('network down, Cashii unavailable, rate limited: the shopper reads what to do, never a transport message', async () => {
    const page = await context.newPage();
    await openCart(page);

    // The network is down when Pay is pressed.
    await page.route('**/graphql', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('pay-with-cashii').click();
    await page.getByTestId('checkout-error').waitFor();
    expect(await text(page, 'checkout-error')).toBe(UNREACHABLE);
    expect(await bodyText(page)).not.toMatch(RAW);
    expect(await page.getByTestId('pay-with-cashii').isEnabled()).toBe(true);
    await screenshot(page, 'network-down-pay');

    // Reloaded while still down: the page cannot know the order, so it offers to check again, not to pay.
    await page.reload();
    await page.getByTestId('checkout-error').waitFor();
    expect(await text(page, 'checkout-error')).toBe(UNREACHABLE);
    expect(await page.getByTestId('pay-with-cashii').count()).toBe(0);
    expect(await bodyText(page)).not.toMatch(RAW);
    await screenshot(page, 'network-down-load');

    // Back online: "Try again" finds the order unpaid.
    await page.unroute('**/graphql');
    await page.getByTestId('check-again').click();
    await page.getByTestId('pay-with-cashii').waitFor();
    expect(await page.getByTestId('checkout-error').count()).toBe(0);

    // Rate limited (the BFF's answer, as it sends it).
    await page.route('**/graphql', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/graphql-response+json',
        body: JSON.stringify({
          data: null,
          errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 7 } }],
        }),
      }),
    );
    await page.getByTestId('pay-with-cashii').click();
    await page.getByTestId('checkout-error').waitFor();
    expect(await text(page, 'checkout-error')).toBe('Too many attempts. Please wait 7 seconds and try again.');
    await screenshot(page, 'rate-limited');
    await page.unroute('**/graphql');

    // Cashii unavailable, for real: the simulator answers the BFF's creates with 503 (the BFF retries
    // a create whose outcome is unknown once within the request, so more than one).
    const fault = await fetch(`${stack.simulator.url}/__control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'create', status: 503, times: 3 }),
    });
    expect(fault.ok).toBe(true);
    const answered = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('CreateRemotePayment'),
    );
    await page.getByTestId('pay-with-cashii').click();
    const answer = (await (await answered).json()) as GraphQLAnswer;
    expect(answer.errors?.[0].extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    await page.locator('[data-testid="checkout-error"]').filter({ hasText: UNREACHABLE }).waitFor();
    expect(await text(page, 'checkout-error')).toBe(UNREACHABLE);
    expect(await bodyText(page)).not.toContain(answer.errors![0].message);
    expect(await bodyText(page)).not.toMatch(RAW);
    await screenshot(page, 'cashii-unavailable');
  });
});
