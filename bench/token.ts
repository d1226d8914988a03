// In production the BFF verifies a bearer JWT on every request, so the bench is a client with
// tokens: HS256 JWTs made with node:crypto (one per viewer, kept for the whole run), and the
// settings that accept them.
import { createHmac } from 'node:crypto';
import { BENCH_VIEWER_ID } from './servers/viewer';

const SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const ISSUER = 'https://auth.bench.invalid/';
const AUDIENCE = 'cashii-bff-bench';

/** What the BFF (and Y and M, which share its context) need to accept the tokens. */
export const AUTH_ENV: Readonly<Record<string, string>> = {
  AUTH_MODE: 'jwt',
  AUTH_JWT_SECRET: SECRET,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
};

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A token for `viewerId`, valid for two hours (longer than any run). */
export function mintToken(viewerId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: viewerId, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 7200 }));
  const signature = base64url(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

/** Headers of a GraphQL request as viewer `viewerId`. */
export function headersFor(viewerId: string): Readonly<Record<string, string>> {
  return { 'content-type': 'application/json', authorization: `Bearer ${mintToken(viewerId)}` };
}

/**
 * What Apollo Client 4's HttpLink sends with every operation (its default `accept`), as viewer
 * `viewerId`: the client rows send these.
 */
export function apolloHeadersFor(viewerId: string): Readonly<Record<string, string>> {
  return { ...headersFor(viewerId), accept: 'application/graphql-response+json,application/json;q=0.9' };
}

/** Headers of every request of the bench's own rows (the hot-id Read, the creates): the one bench viewer. */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = headersFor(BENCH_VIEWER_ID);
