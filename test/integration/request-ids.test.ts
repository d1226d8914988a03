/**
 * Every request has an id: the client's (or its proxy's) `x-request-id` when well-formed, else one
 * the BFF makes up. The answer names it, and every log line written for the request carries it
 * with the operation's name, also lines logged deep in the payments module.
 */
import { randomUUID } from 'node:crypto';
import { CREATE, type TestStack, mintToken, startStack, validInput } from '../support/stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let stack: TestStack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack('sqlite');
    token = await mintToken('request-id-user');
  });
  afterAll(() => stack.close());

  /** Creates a payment, sending `requestId` as x-request-id when given; the answer's id header and the payment. */
  const create = async (requestId?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
        ...headers,
      },
      body: JSON.stringify({ query: CREATE, variables: { input: validInput() } }),
    });
    const body = (await response.json()) as { data: { createRemotePayment: { id: string } } };
    return { echoed: response.headers.get('x-request-id'), payment: body.data.createRemotePayment };
  };
  const lines = () => stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  /** The `payment created` line the payments module logs for this Cashii id. */
  const createdLine = (cashiiId: string) => lines().find((line) => line.msg === 'payment created' && line.cashiiId === cashiiId);

  it('echoes a well-formed x-request-id and carries it, with the operation name, on the lines of that request', async () => {
    const requestId = 'shop-web.7f3a:42_b-9';
    const { echoed, payment } = await create(requestId);
    expect(echoed).toBe(requestId);
    expect(createdLine(payment.id)).toMatchObject({ requestId, operationName: 'Create' });
    const ofRequest = lines().filter((line) => line.requestId === requestId);
    expect(ofRequest.map((line) => line.msg)).toEqual(expect.arrayContaining(['payment created', 'graphql request answered']));
    expect(ofRequest.every((line) => line.operationName === 'Create')).toBe(true);
  });

  it.each([
    ['with a space', 'order 42'],
    ['with a quote', 'id"42'],
    ['longer than 128 characters', 'a'.repeat(129)],
    ['empty', ''],
  ])('replaces an x-request-id %s by a generated one, and logs that one', async (_name, sent) => {
    const { echoed, payment } = await create(sent);
    expect(echoed).toMatch(UUID);
    expect(createdLine(payment.id)).toMatchObject({ requestId: echoed });
    expect(lines().some((line) => line.requestId === sent)).toBe(false);
  });

  it('gives a request without one a new id of its own each time', async () => {
    const first = await create();
    const second = await create();
    expect(first.echoed).toMatch(UUID);
    expect(second.echoed).toMatch(UUID);
    expect(first.echoed).not.toBe(second.echoed);
    expect(createdLine(first.payment.id)).toMatchObject({ requestId: first.echoed });
  });

  it('keeps the ids of concurrent requests apart', async () => {
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const created = await Promise.all(ids.map((id) => create(id)));
    created.forEach(({ echoed, payment }, n) => {
      expect(echoed).toBe(ids[n]);
      expect(createdLine(payment.id)).toMatchObject({ requestId: ids[n] });
    });
  });

  it('names the request on answers of every route, refusals included', async () => {
    for (const path of ['/livez', '/metrics', '/nowhere']) {
      expect((await fetch(`${stack.app.url}${path}`, { headers: { 'x-request-id': 'probe-1' } })).headers.get('x-request-id')).toBe(
        'probe-1',
      );
    }
    const refused = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'refused-1' },
      body: '{"query":',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-request-id')).toBe('refused-1');
  });
});
