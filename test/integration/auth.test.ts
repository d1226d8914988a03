/** Viewer authentication and ownership: only the owner gets in, and a stranger cannot tell a payment exists. */
import { SignJWT } from 'jose';
import { describeEachDatabase } from '../support/database';
import {
  CONFIRM,
  CREATE,
  READ,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_JWT_SECRET,
  type TestStack,
  expectNoSecrets,
  referenceOf,
  startStack,
  validInput,
} from '../support/stack';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describeEachDatabase('authentication and ownership', (target) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack(target);
  });
  afterAll(async () => {
    expectNoSecrets(stack);
    await stack.close();
  });

  it('gives user A their payment and user B exactly what an unknown id gives: null', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() }, { user: 'user-a' })).body.data!.createRemotePayment;
    const asOwner = await stack.gql(READ, { id: payment.id }, { user: 'user-a' });
    expect(asOwner.body.data!.payment.id).toBe(payment.id);

    const asStranger = await stack.gql(READ, { id: payment.id }, { user: 'user-b' });
    const unknown = await stack.gql(READ, { id: '9999999999999999' }, { user: 'user-b' });
    expect(asStranger.status).toBe(unknown.status);
    expect(asStranger.text).toBe(unknown.text);
    expect(asStranger.body).toEqual({ data: { payment: null } });
  });

  it('answers confirmPaymentReturn for a stranger exactly as for an unknown reference', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() }, { user: 'user-a' })).body.data!.createRemotePayment;
    const claim = { transactionId: 'txn_1', status: 'paid', signature: 'sig' };
    const asStranger = await stack.gql(CONFIRM, { input: { ...claim, reference: referenceOf(payment.paymentUrl) } }, { user: 'user-b' });
    const unknown = await stack.gql(
      CONFIRM,
      { input: { ...claim, reference: '00000000-0000-4000-8000-000000000000' } },
      { user: 'user-b' },
    );
    expect(asStranger.body).toEqual(unknown.body);
    expect(asStranger.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reference' });
  });

  it('lists only the viewer’s own payments', async () => {
    await stack.gql(CREATE, { input: validInput() }, { user: 'lister-1' });
    await stack.gql(CREATE, { input: validInput() }, { user: 'lister-2' });
    const list = await stack.gql(`{ payments(first: 10) { edges { node { id } } } }`, {}, { user: 'lister-1' });
    expect(list.body.data!.payments.edges).toHaveLength(1);
  });

  it('scopes idempotency keys per owner', async () => {
    const input = validInput({ idempotencyKey: 'shared-key' });
    const a = await stack.gql(CREATE, { input }, { user: 'key-a' });
    const b = await stack.gql(CREATE, { input }, { user: 'key-b' });
    expect(a.body.data!.createRemotePayment.id).not.toBe(b.body.data!.createRemotePayment.id);
  });

  /** An HS256 token with the test issuer and audience unless `claims` changes them. */
  const signed = (claims: (jwt: SignJWT) => SignJWT, secret = TEST_JWT_SECRET) =>
    claims(new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE)).sign(
      new TextEncoder().encode(secret),
    );
  const badTokens: Array<[string, () => Promise<string | undefined>]> = [
    ['no token', () => Promise.resolve(undefined)],
    ['an expired token', () => signed((jwt) => jwt.setSubject('u').setIssuedAt(1000).setExpirationTime(2000))],
    ['a wrong audience', () => signed((jwt) => jwt.setSubject('u').setAudience('another-api').setExpirationTime('5m'))],
    ['a wrong issuer', () => signed((jwt) => jwt.setSubject('u').setIssuer('https://evil.example').setExpirationTime('5m'))],
    [
      'a wrong signature',
      () => signed((jwt) => jwt.setSubject('u').setExpirationTime('5m'), 'another-secret-another-secret-another-secret'),
    ],
    [
      'alg none',
      () =>
        Promise.resolve(
          `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
        ),
    ],
    ['no expiry', () => signed((jwt) => jwt.setSubject('u'))],
    ['no subject', () => signed((jwt) => jwt.setExpirationTime('5m'))],
  ];

  it.each(badTokens)('refuses %s as UNAUTHENTICATED (HTTP 401) before anything runs', async (_name, token) => {
    const before = await stack.simulatorStats();
    const value = await token();
    const response = await stack.gql(CREATE, { input: validInput() }, { headers: { authorization: value ? `Bearer ${value}` : '' } });
    expect(response.status).toBe(401);
    expect(response.body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(response.body.data).toBeUndefined();
    expect((await stack.simulatorStats()).create).toBe(before.create);
  });

  /** A 401's message and its WWW-Authenticate challenge, for this Authorization header (none: no header). */
  const refusal = async (authorization?: string) => {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify({ query: READ, variables: { id: '1234567890123456' } }),
    });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(response.status).toBe(401);
    expect(body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    return { message: body.errors[0].message, challenge: response.headers.get('www-authenticate') };
  };

  it('tells a malformed bearer token apart from a missing one and from one that does not verify', async () => {
    const expired = await signed((jwt) => jwt.setSubject('u').setIssuedAt(1000).setExpirationTime(2000));
    const missing = await refusal();
    const malformed = await refusal('Bearer abc');
    const invalid = await refusal(`Bearer ${expired}`);
    expect(malformed.message).toMatch(/malformed/);
    expect(new Set([missing.message, malformed.message, invalid.message]).size).toBe(3);
  });

  it('challenges every 401 with WWW-Authenticate: Bearer, with error="invalid_token" only when a token was sent (RFC 6750)', async () => {
    const expired = await signed((jwt) => jwt.setSubject('u').setIssuedAt(1000).setExpirationTime(2000));
    expect((await refusal()).challenge).toBe('Bearer realm="cashii-bff"');
    expect((await refusal('')).challenge).toBe('Bearer realm="cashii-bff"');
    expect((await refusal('Basic dXNlcjpwYXNz')).challenge).toBe('Bearer realm="cashii-bff"');
    for (const authorization of ['Bearer abc', `Bearer ${expired}`, `bearer ${expired}`]) {
      const { message, challenge } = await refusal(authorization);
      expect(challenge).toBe(`Bearer realm="cashii-bff", error="invalid_token", error_description="${message}"`);
    }
  });
});

describe('development authentication', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('sqlite', { AUTH_MODE: 'dev' });
  });
  afterAll(() => stack.close());

  it('acts as one local user without credentials, and as another with X-Dev-User', async () => {
    const payment = (await stack.gql(CREATE, { input: validInput() }, { headers: { authorization: '' } })).body.data!.createRemotePayment;
    expect((await stack.gql(READ, { id: payment.id }, { headers: { authorization: '' } })).body.data!.payment.id).toBe(payment.id);
    const other = await stack.gql(READ, { id: payment.id }, { headers: { authorization: '', 'x-dev-user': 'alice' } });
    expect(other.body.data!.payment).toBeNull();
  });
});
