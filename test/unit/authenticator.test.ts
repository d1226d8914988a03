import { SignJWT } from 'jose';
import { AuthenticationFailed, Authenticator, LOCAL_VIEWER } from '../../src/auth/authenticator';

const secret = 's'.repeat(32);
const auth = new Authenticator({
  mode: 'jwt',
  jwksUrl: null,
  secret,
  issuer: 'iss',
  audience: 'aud',
  algorithms: ['HS256'],
  clockToleranceSeconds: 0,
  operatorClaim: 'roles',
  operatorRole: 'payments-operator',
});
const token = (expSeconds: number, sub = 'customer-1') =>
  new SignJWT({})
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
    const t = await token(1);
    await auth.authenticate({ authorization: `Bearer ${t}` });
    await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(auth.authenticate({ authorization: `Bearer ${t}` })).rejects.toBeInstanceOf(AuthenticationFailed);
  });

  it('in development mode, acts as the local user or the X-Dev-User, and refuses odd names', async () => {
    const dev = new Authenticator({ mode: 'dev' });
    expect(await dev.authenticate({})).toBe(LOCAL_VIEWER);
    expect(await dev.authenticate({ 'x-dev-user': 'alice' })).toEqual({ id: 'dev:alice' });
    await expect(dev.authenticate({ 'x-dev-user': 'a b' })).rejects.toBeInstanceOf(AuthenticationFailed);
  });
});
