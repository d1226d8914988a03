/**
 * The development IDE in Debian's Chromium, offline: every request beyond 127.0.0.1 is blocked
 * and none may even be attempted. GraphiQL comes from the BFF itself, opens on the example
 * operations, a token typed into its header editor authenticates, and CreatePayment runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type TestStack, mintToken, startStack } from '../support/stack';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'e2e');
const SKIP_REASON = fs.existsSync(CHROMIUM)
  ? null
  : `skipped because ${CHROMIUM} is missing (.ci/run installs it; locally: apt-get install -y chromium)`;

(SKIP_REASON ? describe.skip : describe)(`GraphiQL in Chromium without internet${SKIP_REASON ? `: ${SKIP_REASON}` : ''}`, () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [stack, browser] = await Promise.all([
      startStack('sqlite'),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('runs the example CreatePayment with a token from the header editor, loading nothing from outside', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const requested: string[] = [];
    const outside: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      outside.push(url.href);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    try {
      await page.goto(`${stack.app.url}/graphql`);
      const editor = page.locator('.graphiql-query-editor');
      await editor.getByText('mutation CreatePayment').waitFor({ timeout: 20_000 });

      // Without a token the BFF refuses (the page's own introspection got a 401); type one in.
      await page.click('button[data-name="headers"]');
      await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${await mintToken('ide-user')}` }));
      // Monaco closed the brackets and quotes it saw opened: drop what it added after the cursor.
      await page.keyboard.press('Shift+ControlOrMeta+End');
      await page.keyboard.press('Delete');

      // The editor holds three operations: the Run button asks which.
      await page.click('.graphiql-execute-button');
      await page.getByRole('menuitem', { name: 'CreatePayment' }).click();
      const response = page.locator('.graphiql-response');
      await response.getByText('PENDING').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });

      // Monaco draws spaces as no-break spaces.
      const id = /"id": "(\d{16})"/.exec((await response.innerText()).replace(/\s/g, ' '))?.[1];
      expect(id).toBeDefined();
      const records = await stack.records();
      expect(records.map((record) => [record.cashiiId, record.ownerId])).toEqual([[id, 'ide-user']]);
    } finally {
      await context.close();
    }

    expect(outside).toEqual([]);
    const hosts = new Set(requested.map((url) => new URL(url).host));
    expect([...hosts]).toEqual([new URL(stack.app.url).host]);
    // The bundle and Monaco's workers came from the BFF.
    expect(
      requested
        .filter((url) => new URL(url).pathname.startsWith('/ide/'))
        .map((url) => path.basename(url))
        .sort(),
    ).toEqual(['editor.worker.bundle.js', 'graphiql.css', 'graphql.worker..bundle.js', 'json.worker.bundle.js', 'yoga-graphiql.umd.js']);
  }, 90_000);
});
