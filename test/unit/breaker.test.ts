import { CashiiCircuitOpenError, CashiiInvalidRequestError, CashiiUnavailableError, CircuitBreaker } from '../../src/cashii';

describe('circuit breaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ threshold: 2, cooldownMs: 1000, now: () => now });
  const outage = () => Promise.reject(new CashiiUnavailableError('down', 'unknown'));
  const ok = () => Promise.resolve('ok');

  beforeEach(() => (now = 0));

  it('opens after the threshold of consecutive outages and fails fast without calling', async () => {
    const b = breaker();
    await expect(b.run(outage)).rejects.toBeInstanceOf(CashiiUnavailableError);
    await expect(b.run(outage)).rejects.toBeInstanceOf(CashiiUnavailableError);
    const call = jest.fn(ok);
    await expect(b.run(call)).rejects.toBeInstanceOf(CashiiCircuitOpenError);
    expect(call).not.toHaveBeenCalled();
  });

  it('lets exactly one probe through after the cool-down, and closes when it succeeds', async () => {
    const b = breaker();
    await b.run(outage).catch(() => undefined);
    await b.run(outage).catch(() => undefined);
    now = 1000;
    let finishProbe!: (value: string) => void;
    const probe = b.run(() => new Promise<string>((resolve) => (finishProbe = resolve)));
    await expect(b.run(ok)).rejects.toBeInstanceOf(CashiiCircuitOpenError);
    finishProbe('ok');
    await probe;
    expect(b.state).toBe('closed');
  });

  it('keeps the probe slot when an older call finishes while the probe is in flight', async () => {
    const b = breaker();
    let failOld!: () => void;
    const old = b.run(
      () => new Promise<string>((_resolve, reject) => (failOld = () => reject(new CashiiUnavailableError('late', 'unknown')))),
    );
    await b.run(outage).catch(() => undefined);
    await b.run(outage).catch(() => undefined);
    now = 1000;
    let finishProbe!: (value: string) => void;
    const probe = b.run(() => new Promise<string>((resolve) => (finishProbe = resolve)));
    failOld();
    await old.catch(() => undefined);
    now = 2500;
    // The first probe has not answered yet: no second probe may pass.
    await expect(b.run(ok)).rejects.toBeInstanceOf(CashiiCircuitOpenError);
    finishProbe('ok');
    await probe;
    expect(b.state).toBe('closed');
  });

  it('is not tripped by 4xx answers', async () => {
    const b = breaker();
    for (let i = 0; i < 5; i++) await b.run(() => Promise.reject(new CashiiInvalidRequestError('no', 422))).catch(() => undefined);
    expect(b.state).toBe('closed');
  });
});
