import { systemClock } from '../../src/common/clock';
import { MAX_TIMER_DELAY_MS, runAt } from '../../src/common/run-at';

const DAY_MS = 86_400_000;

describe('runAt', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('waits for a moment further away than one timer can (60 days), then fires once at it', () => {
    const fired = jest.fn();
    const at = Date.now() + 60 * DAY_MS;
    runAt(at, fired);
    jest.advanceTimersByTime(60 * DAY_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(at);
    jest.advanceTimersByTime(60 * DAY_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires a moment just past the largest timer delay at that moment, not before', () => {
    const fired = jest.fn();
    runAt(Date.now() + MAX_TIMER_DELAY_MS + 1, fired);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires a near or past moment on the next turn, never synchronously', () => {
    const soon = jest.fn();
    const past = jest.fn();
    runAt(Date.now() + 1000, soon);
    runAt(Date.now() - 1000, past);
    expect(past).not.toHaveBeenCalled();
    jest.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(999);
    expect(soon).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(soon).toHaveBeenCalledTimes(1);
  });

  it('never fires once cancelled, even between two re-armings', () => {
    const fired = jest.fn();
    const scheduled = runAt(Date.now() + 60 * DAY_MS, fired);
    jest.advanceTimersByTime(30 * DAY_MS);
    scheduled.cancel();
    jest.advanceTimersByTime(60 * DAY_MS);
    expect(fired).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("the machine's Clock", () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('calls back after a delay longer than one timer can wait (60 days, a token expiry), not before', () => {
    const fired = jest.fn();
    systemClock.setTimeout(fired, 60 * DAY_MS);
    jest.advanceTimersByTime(60 * DAY_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never calls back once cancelled', () => {
    const fired = jest.fn();
    systemClock.setTimeout(fired, 1000).cancel();
    jest.advanceTimersByTime(60 * DAY_MS);
    expect(fired).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});
