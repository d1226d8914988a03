/** The Cashii adapter against the simulator as a real HTTP server. */
import {
  CashiiAuthenticationError,
  CashiiBadResponseError,
  CashiiClient,
  CashiiInvalidRequestError,
  CashiiNotFoundError,
  CashiiRateLimitedError,
  CashiiUnavailableError,
} from '../../src/cashii';
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';

const KEY = 'sk_client_test_key';
let sim: RunningSimulator;
const client = (options: Partial<ConstructorParameters<typeof CashiiClient>[0]> = {}) =>
  new CashiiClient({ baseUrl: sim.url, apiKey: KEY, timeoutMs: 1000, backoffBaseMs: 10, ...options });

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

describe('CashiiClient', () => {
  it('creates a payment and reads it back with wire names mapped', async () => {
    const id = await client().createRemotePayment({
      amount: 10098,
      currency: 'USD',
      note: 'n',
      metadata: { a: 1 },
      payableTo: '1111222233334444',
    });
    expect(id).toMatch(/^\d{16}$/);
    const snapshot = await client().getRemotePayment(id);
    expect(snapshot).toMatchObject({
      id,
      amount: 10098,
      currency: 'USD',
      status: 'pending',
      payableTo: '1111222233334444',
      to: '1000000000000001',
      from: null,
    });
  });

  it('sends the key as a Bearer token, and maps a 401 to an authentication error', async () => {
    await expect(client({ apiKey: 'wrong' }).createRemotePayment({ amount: 1, currency: 'USD' })).rejects.toBeInstanceOf(
      CashiiAuthenticationError,
    );
    expect(sim.state.stats.unauthorized).toBe(1);
  });

  it('never retries a create, even on a 503', async () => {
    sim.state.faults.push({ route: 'create', status: 503 });
    const error = await client()
      .createRemotePayment({ amount: 1, currency: 'USD' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CashiiUnavailableError);
    expect((error as CashiiUnavailableError).createOutcome).toBe('unknown');
    expect(sim.state.stats.create).toBe(1);
  });

  it('retries a GET at most twice on 5xx', async () => {
    const id = await client().createRemotePayment({ amount: 1, currency: 'USD' });
    sim.state.faults.push({ route: 'get', status: 502, times: 5 });
    await expect(client().getRemotePayment(id)).rejects.toBeInstanceOf(CashiiUnavailableError);
    expect(sim.state.stats.get).toBe(3);
  });

  it('honours Retry-After on a 429 before retrying a GET', async () => {
    const id = await client().createRemotePayment({ amount: 1, currency: 'USD' });
    sim.state.faults.push({ route: 'get', status: 429, retryAfter: '1' });
    const started = Date.now();
    const snapshot = await client({ timeoutMs: 3000 }).getRemotePayment(id);
    expect(snapshot.id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.state.stats.get).toBe(2);
  });

  it('gives up with a rate-limit error when Retry-After is longer than it may wait', async () => {
    const id = await client().createRemotePayment({ amount: 1, currency: 'USD' });
    sim.state.faults.push({ route: 'get', status: 429, retryAfter: '120' });
    const error = await client()
      .getRemotePayment(id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CashiiRateLimitedError);
    expect((error as CashiiRateLimitedError).retryAfterMs).toBe(120_000);
    expect(sim.state.stats.get).toBe(1);
  });

  it('gives up on a slow answer at the deadline, as an unknown outcome, and does not send the create again', async () => {
    sim.state.faults.push({ route: 'create', delayMs: 1500 });
    const error = await client({ timeoutMs: 300 })
      .createRemotePayment({ amount: 1, currency: 'USD' })
      .catch((e: unknown) => e);
    // Had it waited for the answer (at 1500 ms), it would have had a payment id.
    expect(error).toBeInstanceOf(CashiiUnavailableError);
    expect(error).toMatchObject({ message: 'Cashii did not answer in time', createOutcome: 'unknown' });
    expect(sim.state.stats.create).toBe(1);
  });

  it.each([
    ['malformed JSON', { malformed: true }, CashiiBadResponseError],
    ['a truncated body', { truncated: true }, CashiiUnavailableError],
    ['a reset connection', { reset: true }, CashiiUnavailableError],
    ['a 422', { status: 422 }, CashiiInvalidRequestError],
  ])('maps %s on a create to its error class, with the body kept out of the message', async (_name, fault, errorClass) => {
    sim.state.faults.push({ route: 'create', ...fault });
    const error = await client()
      .createRemotePayment({ amount: 1, currency: 'USD' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).not.toContain('Simulated');
    expect((error as Error).message).not.toContain(KEY);
  });

  it('reports a connection refused as certainly not created', async () => {
    const closed = await startSimulator();
    await closed.close();
    const error = await new CashiiClient({ baseUrl: closed.url, apiKey: KEY, timeoutMs: 500 })
      .createRemotePayment({ amount: 1, currency: 'USD' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CashiiUnavailableError);
    expect((error as CashiiUnavailableError).createOutcome).toBe('not-created');
  });

  it('maps a 404 on a read to not found, without retrying', async () => {
    await expect(client().getRemotePayment('1234567890123456')).rejects.toBeInstanceOf(CashiiNotFoundError);
    expect(sim.state.stats.get).toBe(1);
  });
});
