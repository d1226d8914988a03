// In production the BFF verifies a bearer JWT on every request, so the bench is a client with a
// token: one HS256 JWT for the whole run, made with node:crypto, and the settings that accept it.
import { createHmac } from 'node:crypto';
import { BENCH_VIEWER_ID } from './servers/viewer';

const SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const ISSUER = 'https://auth.bench.invalid/';
const AUDIENCE = 'cashii-bff-bench';

/** What the BFF (and Y and M, which share its context) need to accept the token. */
export const AUTH_ENV: Readonly<Record<string, string>> = {
  AUTH_MODE: 'jwt',
  AUTH_JWT_SECRET: SECRET,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
};

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

function mint(): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  // Two hours: longer than any run.
  const payload = base64url(JSON.stringify({ sub: BENCH_VIEWER_ID, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 7200 }));
  const signature = base64url(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

/** Headers of every GraphQL request the bench sends. */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  authorization: `Bearer ${mint()}`,
};
