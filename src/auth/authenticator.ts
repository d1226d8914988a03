/**
 * Who is calling. In `jwt` mode: `Authorization: Bearer <JWT>` verified with jose against a JWKS
 * URL or a shared HS256 secret, checking issuer, audience, expiry and an algorithm allowlist
 * (unsigned `alg: none` tokens are never accepted); `sub` is the customer. Guests get a
 * short-lived token from the merchant's own backend, like any customer. In `dev` mode (refused in
 * production) a request acts as one local user, or as the user named in `X-Dev-User`; with
 * `X-Dev-Operator: true` that user is a back-office operator. A JWT makes an operator when its
 * role claim (AUTH_OPERATOR_CLAIM, a string or a list) holds AUTH_OPERATOR_ROLE.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import type { AuthConfig } from '../config';
import type { Viewer } from './viewer';

export const LOCAL_VIEWER: Viewer = Object.freeze({ id: 'local-user' });
const DEV_USER = /^[A-Za-z0-9._@-]{1,64}$/;

/** The credentials are missing or invalid. The message says which, never why a signature failed in detail. */
export class AuthenticationFailed extends Error {}

/** Verified tokens kept at most this long (and never past their `exp`), so a rotated-out key stops working soon. */
const CACHE_TTL_MS = 60_000;
const CACHE_SIZE = 10_000;

export class Authenticator {
  private readonly key: Uint8Array | JWTVerifyGetKey | null;
  /** Token -> viewer, for tokens already verified: a frontend sends the same token on every request. */
  private readonly verified = new Map<string, { viewer: Viewer; until: number }>();

  constructor(private readonly config: AuthConfig) {
    if (config.mode === 'jwt') {
      this.key = config.secret !== null ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl!));
    } else {
      this.key = null;
    }
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Viewer> {
    if (this.config.mode === 'dev') return devViewer(headers['x-dev-user'], headers['x-dev-operator']);
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(headers.authorization ?? '');
    if (!match) throw new AuthenticationFailed('A bearer token is required');
    const cached = this.verified.get(match[1]);
    if (cached && cached.until > Date.now()) return cached.viewer;
    this.verified.delete(match[1]);
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      };
      const key = this.key!;
      const { payload } = typeof key === 'function' ? await jwtVerify(match[1], key, options) : await jwtVerify(match[1], key, options);
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) {
        throw new AuthenticationFailed('The token names no subject');
      }
      const roles = payload[this.config.operatorClaim];
      const operator = Array.isArray(roles) ? roles.includes(this.config.operatorRole) : roles === this.config.operatorRole;
      const viewer: Viewer = { id: payload.sub, expiresAt: (payload.exp as number) * 1000, ...(operator ? { operator: true } : {}) };
      this.remember(match[1], viewer, viewer.expiresAt!);
      return viewer;
    } catch (error) {
      if (error instanceof AuthenticationFailed) throw error;
      throw new AuthenticationFailed('The token is invalid or expired');
    }
  }

  private remember(token: string, viewer: Viewer, expiresAt: number): void {
    if (this.verified.size >= CACHE_SIZE) {
      // Maps iterate in insertion order: drop the oldest entry.
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(token, { viewer, until: Math.min(expiresAt, Date.now() + CACHE_TTL_MS) });
  }
}

function devViewer(header: string | string[] | undefined, operatorHeader: string | string[] | undefined): Viewer {
  const operator = operatorHeader === 'true' || operatorHeader === '1';
  if (header === undefined || header === '') return operator ? { ...LOCAL_VIEWER, operator } : LOCAL_VIEWER;
  const name = Array.isArray(header) ? header[0] : header;
  if (!DEV_USER.test(name)) throw new AuthenticationFailed('X-Dev-User must be 1-64 letters, digits or ._@-');
  return operator ? { id: `dev:${name}`, operator } : { id: `dev:${name}` };
}
