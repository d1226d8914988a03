/**
 * Starts the real thing for integration tests: the Cashii simulator on port 0 and the BFF on
 * port 0 over a fresh database, talking real HTTP. Log lines are captured for assertions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { type AppOverrides, startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';
import type { Fault } from '../../src/sandbox/state';
import { type DbTarget, createTestDatabase } from './database';

export const TEST_CASHII_KEY = 'sk_test_c4shii_9f8e7d6c5b4a39281706';
export const TEST_JWT_SECRET = 'jwt-test-secret-7d1c0a9e5b3f48d2a6c4e8b0f2d4a6c8';
export const TEST_ISSUER = 'https://auth.test.example';
export const TEST_AUDIENCE = 'cashii-bff-test';

/** The settings that point a BFF at a running simulator. */
export function cashiiEnv(simulator: RunningSimulator): Record<string, string> {
  return { CASHII_API_KEY: TEST_CASHII_KEY, CASHII_API_BASE_URL: simulator.url, CASHII_PAYMENT_PAGE_URL: simulator.paymentPageUrl };
}

/** A token as the merchant's backend would mint it for `user` (claims can be overridden or removed). */
export async function mintToken(user: string, claims: Record<string, unknown> = {}, secret = TEST_JWT_SECRET): Promise<string> {
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m');
  return jwt.sign(new TextEncoder().encode(secret));
}

export interface RequestOptions {
  /** Act as this user (a signed JWT); default `user-a`. */
  user?: string;
  /** Extra or replacing headers (e.g. another Authorization). */
  headers?: Record<string, string>;
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  body: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, any>; path?: unknown }> };
  text: string;
}

export interface TestStack {
  readonly app: RunningApp;
  readonly simulator: RunningSimulator;
  readonly logs: string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  /** Every response body this stack has answered, for leak checks. */
  readonly responses: string[];
  /** Scripts a simulator fault through its HTTP control API. */
  fault(fault: Fault): Promise<void>;
  simulatorStats(): Promise<{ create: number; get: number; page: number; unauthorized: number }>;
  records(): Promise<PaymentOrder[]>;
  close(): Promise<void>;
}

/** Starts the simulator and the BFF on `target`; `overrides` can give the app a manual clock (test/fixtures/manual-clock.ts). */
export async function startStack(target: DbTarget, env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestStack> {
  const simulator = await startSimulator({ apiKey: TEST_CASHII_KEY });
  const database = await createTestDatabase(target);
  // Each stack its own create journal (the default for PostgreSQL is data/ in the working folder).
  const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-journal-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    CREATE_JOURNAL_FILE: path.join(journalDir, 'cashii-created.journal'),
    ...cashiiEnv(simulator),
    CASHII_TIMEOUT_MS: '1500',
    RATE_LIMIT_CREATE_PER_VIEWER: '100000',
    RATE_LIMIT_CREATE_PER_ADDRESS: '100000',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const app = await startApp(config, createLogger('debug', sink), overrides);

  const control = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${simulator.url}/__control/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };

  const responses: string[] = [];
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (user: string) => {
    if (!tokens.has(user)) tokens.set(user, mintToken(user));
    return tokens.get(user)!;
  };
  return {
    app,
    simulator,
    logs,
    responses,
    gql: async (query, variables, options = {}) => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await tokenFor(options.user ?? 'user-a')}`,
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      responses.push(text);
      return { status: response.status, body: JSON.parse(text), text };
    },
    fault: async (fault) => void (await control('faults', fault)),
    simulatorStats: async () => (await control('stats')) as Awaited<ReturnType<TestStack['simulatorStats']>>,
    records: () => app.dataSource.getRepository(PaymentOrder).find(),
    close: async () => {
      await app.close();
      await simulator.close();
      await database.drop();
      fs.rmSync(journalDir, { recursive: true, force: true });
    },
  };
}

export const PAYMENT_FIELDS = `id amount currency note metadata status from to payableTo orderId paymentUrl transactionId createdAt updatedAt verifiedAt`;

export const CREATE = `mutation Create($input: CreateRemotePaymentInput!) { createRemotePayment(input: $input) { ${PAYMENT_FIELDS} } }`;
export const READ = `query Read($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`;

export function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { amount: 3_000_000_000, currency: 'SYP', note: 'Order 42', redirectUrl: 'http://localhost:3000/checkout/return', ...overrides };
}

/** Follows the simulator page's form: GET the page, POST the chosen action, return the redirect target. */
export async function actOnPaymentPage(paymentUrl: string, action: 'pay' | 'reject' | 'cancel'): Promise<URL> {
  const page = await fetch(paymentUrl);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">/.exec(html);
  if (!form) throw new Error(`no payment form on the page (HTTP ${page.status})`);
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], decodeEntities(m[2])]),
  );
  if (!html.includes(`name="action" value="${action}"`)) throw new Error(`no ${action} button on the page`);
  const response = await fetch(new URL(form[1], paymentUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, action }).toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 303 || !location) throw new Error(`the page answered ${response.status} without a redirect`);
  return new URL(location);
}

function decodeEntities(value: string): string {
  return value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

export const CONFIRM = `mutation Confirm($input: ConfirmPaymentReturnInput!) { confirmPaymentReturn(input: $input) { ${PAYMENT_FIELDS} needsReview reviewReason events { from to source } } }`;
export const READ_WITH_EVENTS = `query Read($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} needsReview reviewReason events { from to source at } } }`;

/** Changes a payment at the simulator behind the BFF's back (a refund, another amount...). */
export async function changeAtSimulator(stack: TestStack, id: string, change: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.simulator.url}/__control/payments/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!response.ok) throw new Error(`simulator refused the change: ${response.status}`);
}

/** The `cashii_ref` our return URL carries, as the frontend's return page would read it. */
export function referenceOf(paymentUrl: string): string {
  const redirect = new URL(new URL(paymentUrl).searchParams.get('redirect')!);
  return redirect.searchParams.get('cashii_ref')!;
}

/** Neither the Cashii key nor the JWT secret appears in any response or log line of this stack. */
export function expectNoSecrets(stack: TestStack): void {
  for (const secret of [TEST_CASHII_KEY, TEST_JWT_SECRET]) {
    expect(stack.responses.filter((text) => text.includes(secret))).toEqual([]);
    expect(stack.logs.filter((line) => line.includes(secret))).toEqual([]);
  }
}

/** What a return page sends to confirmPaymentReturn, read from the URL Cashii sent the browser to. */
export function returnInput(back: URL): Record<string, string | null> {
  return {
    reference: back.searchParams.get('cashii_ref'),
    transactionId: back.searchParams.get('transaction_id'),
    status: back.searchParams.get('status'),
    signature: back.searchParams.get('signature'),
  };
}
