// Small clients of the soak (bench/soak.ts): one HTTP request with a deadline, tokens for many
// viewers (the bench's own HS256 settings, AUTH_ENV), the shipped client's persisted documents,
// and the simulator's hosted page acted on as a shopper's browser would.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { type Agent, request } from 'node:http';
import path from 'node:path';
import { AUTH_ENV } from './token';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** One request over `agent`; rejects on a socket error or when no answer came within `timeoutMs`. */
export function httpRequest(
  agent: Agent,
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | null,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const sent = body === null ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request(
      { agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers: sent, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`TIMEOUT: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A token as the merchant's backend mints it (test/support/stack.ts mintToken's claims), valid for two hours. */
export function mintToken(sub: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ ...claims, sub, iss: AUTH_ENV.AUTH_ISSUER, aud: AUTH_ENV.AUTH_AUDIENCE, iat: now, exp: now + 7200 }),
  );
  const signature = base64url(createHmac('sha256', AUTH_ENV.AUTH_JWT_SECRET).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

export interface PersistedDocument {
  /** The bare SHA-256 (hex) the manifest names it by. */
  readonly hash: string;
  readonly document: string;
}

/** The shipped client's documents (client/src/gql/persisted-documents.json), by operation name. */
export function shippedDocuments(root: string): Map<string, PersistedDocument> {
  const file = path.join(root, 'client', 'src', 'gql', 'persisted-documents.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const byName = new Map<string, PersistedDocument>();
  for (const [key, document] of Object.entries(manifest)) {
    const name = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(document)?.[1];
    if (name) byName.set(name, { hash: key.replace(/^sha256:/, ''), document });
  }
  return byName;
}

/** A request body naming a shipped document by its hash only, as a mobile app in trusted-documents mode sends it. */
export function byHash(doc: PersistedDocument, variables: Record<string, unknown>): string {
  return JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: doc.hash } } });
}

const decodeEntities = (value: string): string => value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

/**
 * A shopper on the simulator's hosted page (as test/support/stack.ts actOnPaymentPage): GET the page,
 * POST the chosen button; resolves to where the page sends the browser back (the return URL with
 * transaction_id, status and signature), or null when the page no longer offers the button.
 */
export async function actOnHostedPage(agent: Agent, paymentUrl: string, action: 'pay' | 'reject' | 'cancel'): Promise<URL | null> {
  const pageUrl = new URL(paymentUrl);
  const page = await httpRequest(agent, pageUrl, 'GET', {}, null, 30_000);
  const form = /<form method="post" action="([^"]+)">/.exec(page.text);
  if (!form) throw new Error(`no payment form on the hosted page (HTTP ${page.status})`);
  if (!page.text.includes(`name="action" value="${action}"`)) return null;
  const hidden = Object.fromEntries(
    [...page.text.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], decodeEntities(m[2])]),
  );
  const posted = await httpRequest(
    agent,
    new URL(form[1], pageUrl),
    'POST',
    { 'content-type': 'application/x-www-form-urlencoded' },
    new URLSearchParams({ ...hidden, action }).toString(),
    30_000,
  );
  const location = posted.headers.location;
  if (posted.status !== 303 || typeof location !== 'string')
    throw new Error(`the hosted page answered ${posted.status} without a redirect`);
  return new URL(location);
}
