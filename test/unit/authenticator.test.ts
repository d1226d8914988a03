import * as jose from 'jose';
import { SignJWT } from 'jose';
import { AuthenticationFailed, Authenticator, LOCAL_VIEWER } from '../../src/auth/authenticator';
import { ManualClock } from '../fixtures/manual-clock';

// Counts signature checks, to tell a token answered from the cache from one verified again.
jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const verifications = jose.jwtVerify as unknown as jest.Mock;

const secret = 's'.repeat(32);
const JWT_CONFIG = {
  mode: 'jwt' as const,
  jwksUrl: null,
  secret,
  issuer: 'iss',
  audience: 'aud',
  algorithms: ['HS256'],
  clockToleranceSeconds: 0,
  operatorClaim: 'roles',
  operatorRole: 'payments-operator',
};
const auth = new Authenticator(JWT_CONFIG);
const token = (expSeconds: number, sub = 'customer-1', claims: Record<string, unknown> = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('iss')
    .setAudience('aud')
    .setExpirationTime(Math.floor(Date.now() / 1000) + expSeconds)
    .sign(new TextEncoder().encode(secret));

describe('Authenticator', () => {
  it('takes the viewer from sub, and answers a repeated token from its cache the same way', async () => {
    const t = await token(60);
    expect(await auth.authenticate({ authorization: `Bearer ${t}` })).toMatchObject({ id: 'customer-1' });
    expect(await auth.authenticate({ authorization: `Bearer ${t}` })).toMatchObject({ id: 'customer-1' });
  });

  it('never lets the cache keep a token alive past its expiry', async () => {
    const clock = new ManualClock();
    const timed = new Authenticator(JWT_CONFIG, clock);
    const t = await token(1);
    expect(await timed.authenticate({ authorization: `Bearer ${t}` })).toMatchObject({ id: 'customer-1' });
    // Time moves past `exp` (whole seconds) instead of the test waiting for it.
    await clock.advance(2_100);
    await expect(timed.authenticate({ authorization: `Bearer ${t}` })).rejects.toBeInstanceOf(AuthenticationFailed);
  });

  it('keeps verified tokens within its byte budget: the least recently used are verified again, a huge token is never kept', async () => {
    const budget = 64 * 1024;
    const bounded = new Authenticator({ ...JWT_CONFIG, tokenCacheBytes: budget });
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, n) => token(60, `guest-${n}`)));
    for (const t of tokens) await bounded.authenticate({ authorization: `Bearer ${t}` });
    expect(bounded.held().bytes).toBeLessThanOrEqual(budget);
    expect(bounded.held().entries).toBeLessThan(200);

    verifications.mockClear();
    await bounded.authenticate({ authorization: `Bearer ${tokens[199]}` }); // recent: from the cache
    expect(verifications).toHaveBeenCalledTimes(0);
    await bounded.authenticate({ authorization: `Bearer ${tokens[0]}` }); // evicted: verified again
    expect(verifications).toHaveBeenCalledTimes(1);

    // A token of 20 KB (a bloated claim) is verified, and verified again next time: it takes no room.
    const huge = await token(60, 'guest-huge', { padding: 'p'.repeat(20_000) });
    const before = bounded.held();
    expect(await bounded.authenticate({ authorization: `Bearer ${huge}` })).toMatchObject({ id: 'guest-huge' });
    expect(await bounded.authenticate({ authorization: `Bearer ${huge}` })).toMatchObject({ id: 'guest-huge' });
    expect(verifications).toHaveBeenCalledTimes(3);
    expect(bounded.held()).toEqual(before);
  });

  it('says why a bearer token was refused: none, not a JWT, or not verified, each with its own message', async () => {
    const reasons = async (authorization?: string) => {
      const error = (await auth
        .authenticate(authorization === undefined ? {} : { authorization })
        .catch((e: unknown) => e)) as AuthenticationFailed;
      expect(error).toBeInstanceOf(AuthenticationFailed);
      return { reason: error.reason, message: error.message };
    };
    const missing = await reasons();
    expect(missing.reason).toBe('missing');
    expect(await reasons('Basic dXNlcjpwYXNz')).toEqual(missing);
    const malformed = await reasons('Bearer abc');
    expect(malformed.reason).toBe('malformed');
    expect(await reasons('Bearer a.b')).toEqual(malformed);
    expect(await reasons('Bearer abc def')).toEqual(malformed);
    const invalid = await reasons(`Bearer ${await token(-60)}`);
    expect(invalid.reason).toBe('invalid');
    expect(new Set([missing.message, malformed.message, invalid.message]).size).toBe(3);
  });

  it('refuses a subject no store keeps as it is: NUL and other control characters, unpaired surrogates', async () => {
    // PostgreSQL refuses NUL in text; an unpaired surrogate is stored as U+FFFD, so '\ud800' and
    // '\udbff' would be one owner.
    for (const sub of ['customer\u0000-1', 'customer\n1', 'c\u0085', '\ud800', 'customer-\udc00', '\udbff\ud800']) {
      const error = (await auth.authenticate({ authorization: `Bearer ${await token(60, sub)}` }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(AuthenticationFailed);
      expect(error.message).toMatch(/control characters or unpaired surrogates/);
    }
    // Paired surrogates, Arabic and other printable text are ids as any other.
    for (const sub of ['customer-\u{1f600}', '\u0632\u0628\u0648\u0646-1', 'caf\u00e9']) {
      expect(await auth.authenticate({ authorization: `Bearer ${await token(60, sub)}` })).toMatchObject({ id: sub });
    }
  });

  it('in development mode, acts as the local user or the X-Dev-User, and refuses odd names', async () => {
    const dev = new Authenticator({ mode: 'dev' });
    expect(await dev.authenticate({})).toBe(LOCAL_VIEWER);
    expect(await dev.authenticate({ 'x-dev-user': 'alice' })).toEqual({ id: 'dev:alice' });
    await expect(dev.authenticate({ 'x-dev-user': 'a b' })).rejects.toBeInstanceOf(AuthenticationFailed);
  });
});
