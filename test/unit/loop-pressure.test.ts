/** The event-loop lag signal the reconciler yields to (src/common/loop-pressure.ts): it reads the loop's real delay. */
import { LoopPressure } from '../../src/common/loop-pressure';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // A turn that holds the loop, as a burst of requests would.
  }
}

describe('LoopPressure', () => {
  it('says the loop lags after turns that held it, and starts a new window with each question', async () => {
    const pressure = new LoopPressure(20);
    try {
      pressure.sample();
      for (let i = 0; i < 4; i++) {
        block(120);
        await turn();
      }
      const busy = pressure.sample();
      expect(busy.lagging).toBe(true);
      expect(busy.meanLagMs).toBeGreaterThan(20);
      // The next question covers only the quiet time since (without the reset, the busy turns would
      // still weigh in: a mean of about 20 ms here).
      await wait(100);
      const quiet = pressure.sample();
      expect(quiet.meanLagMs).toBeLessThan(15);
      expect(quiet.lagging).toBe(false);
    } finally {
      pressure.close();
    }
  });
});
