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
import { type Clock, systemClock } from '../common/clock';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config';
import { bearerTokenOf } from './challenge';
import type { Viewer } from './viewer';

export const LOCAL_VIEWER: Viewer = Object.freeze({ id: 'local-user' });
const DEV_USER = /^[A-Za-z0-9._@-]{1,64}$/;
/** A compact JWS: three base64url parts (the signature may be empty, and is then refused by the verifier). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** Why credentials were refused: none sent, a bearer token that is not a JWT, or a JWT that does not verify. */
export type AuthenticationFailure = 'missing' | 'malformed' | 'invalid';

/** The credentials are missing or invalid. The message says which, never why a signature failed in detail. */
export class AuthenticationFailed extends Error {
  constructor(
    message: string,
    readonly reason: AuthenticationFailure = 'invalid',
  ) {
    super(message);
  }
}

/** Verified tokens kept at most this long (and never past their `exp`), so a rotated-out key stops working soon. */
const CACHE_TTL_MS = 60_000;
/** Bytes the verified tokens may hold together when the configuration names none (AUTH_TOKEN_CACHE_BYTES). */
export const DEFAULT_TOKEN_CACHE_BYTES = 4 * 1024 * 1024;
/** A token larger than this is verified on every request, never kept. */
const MAX_CACHED_TOKEN_BYTES = 16 * 1024;
/** What one kept token costs besides its strings, a rough upper bound. */
const ENTRY_OVERHEAD_BYTES = 256;

interface Verified {
  viewer: Viewer;
  until: number;
}

export class Authenticator {
  private readonly key: Uint8Array | JWTVerifyGetKey | null;
  /**
   * Token -> viewer, for tokens already verified: a frontend sends the same token on every request.
   * Bounded in bytes (2 per character of the token and the viewer's id), least recently used first out; null: no cache.
   */
  private readonly verified: LRUCache<string, Verified> | null;

  constructor(
    private readonly config: AuthConfig,
    /** Time for expiry checks (tests move a manual one). */
    private readonly clock: Clock = systemClock,
  ) {
    if (config.mode === 'jwt') {
      this.key = config.secret !== null ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl!));
    } else {
      this.key = null;
    }
    const bytes = config.mode === 'jwt' ? (config.tokenCacheBytes ?? DEFAULT_TOKEN_CACHE_BYTES) : 0;
    this.verified =
      bytes === 0
        ? null
        : new LRUCache<string, Verified>({
            maxSize: bytes,
            maxEntrySize: Math.min(bytes, MAX_CACHED_TOKEN_BYTES),
            sizeCalculation: (entry, token) => ENTRY_OVERHEAD_BYTES + 2 * (token.length + entry.viewer.id.length),
          });
  }

  /** What the token cache holds now: its number of tokens and counted bytes. */
  held(): { entries: number; bytes: number } {
    return { entries: this.verified?.size ?? 0, bytes: this.verified?.calculatedSize ?? 0 };
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Viewer> {
    if (this.config.mode === 'dev') return devViewer(headers['x-dev-user'], headers['x-dev-operator']);
    const token = bearerTokenOf(headers.authorization);
    if (token === null) throw new AuthenticationFailed('A bearer token is required', 'missing');
    if (!JWT_SHAPE.test(token)) {
      throw new AuthenticationFailed(
        'The bearer token is malformed: expected a JWT (three base64url parts separated by dots)',
        'malformed',
      );
    }
    const cached = this.verified?.get(token);
    if (cached && cached.until > this.clock.now()) return cached.viewer;
    if (cached) this.verified!.delete(token);
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(this.clock.now()),
      };
      const key = this.key!;
      const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) {
        throw new AuthenticationFailed('The token names no subject');
      }
      if (!usableSubject(payload.sub)) {
        throw new AuthenticationFailed('The token names its subject with control characters or unpaired surrogates');
      }
      const roles = payload[this.config.operatorClaim];
      const operator = Array.isArray(roles) ? roles.includes(this.config.operatorRole) : roles === this.config.operatorRole;
      const viewer: Viewer = { id: payload.sub, expiresAt: (payload.exp as number) * 1000, ...(operator ? { operator: true } : {}) };
      this.remember(token, viewer, viewer.expiresAt!);
      return viewer;
    } catch (error) {
      if (error instanceof AuthenticationFailed) throw error;
      throw new AuthenticationFailed('The token is invalid or expired');
    }
  }

  private remember(token: string, viewer: Viewer, expiresAt: number): void {
    // An entry over the per-token bound is not kept (`set` ignores it); others evict the least recently used.
    this.verified?.set(token, { viewer, until: Math.min(expiresAt, this.clock.now() + CACHE_TTL_MS) });
  }
}

/**
 * A subject the stores keep as it is: PostgreSQL refuses NUL in text, and both databases store an
 * unpaired surrogate as U+FFFD, so two such subjects would name one owner. Control characters have
 * no place in an id either.
 */
function usableSubject(sub: string): boolean {
  return sub.isWellFormed() && !/[\u0000-\u001f\u007f-\u009f]/.test(sub);
}

function devViewer(header: string | string[] | undefined, operatorHeader: string | string[] | undefined): Viewer {
  const operator = operatorHeader === 'true' || operatorHeader === '1';
  if (header === undefined || header === '') return operator ? { ...LOCAL_VIEWER, operator } : LOCAL_VIEWER;
  const name = Array.isArray(header) ? header[0] : header;
  if (!DEV_USER.test(name)) throw new AuthenticationFailed('X-Dev-User must be 1-64 letters, digits or ._@-', 'malformed');
  return operator ? { id: `dev:${name}`, operator } : { id: `dev:${name}` };
}
