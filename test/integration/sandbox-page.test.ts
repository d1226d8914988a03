/**
 * The simulator's hosted payment page shows a status that changes (pending, then paid): it is sent
 * with `Cache-Control: no-store`, so Back from the return page asks again instead of showing a
 * stored "pending" page with Pay / Reject / Cancel.
 */
import { type RunningSimulator, startSimulator } from '../../src/sandbox/simulator';

describe("the simulator's hosted payment page", () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  afterAll(() => simulator?.close());

  async function createPayment(): Promise<string> {
    const response = await fetch(`${simulator.url}/api/v1/remote-payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${simulator.apiKey}` },
      body: JSON.stringify({ amount: 1000, currency: 'SYP' }),
    });
    expect(response.status).toBeLessThan(300);
    return ((await response.json()) as { data: { id: string } }).data.id;
  }

  it('is sent with Cache-Control: no-store, pending and paid alike, and so is a page for an unknown payment', async () => {
    const id = await createPayment();
    const page = `${simulator.paymentPageUrl}?code=${id}&redirect=${encodeURIComponent('http://localhost:3000/return')}`;
    const pending = await fetch(page);
    expect(pending.status).toBe(200);
    expect(pending.headers.get('cache-control')).toBe('no-store');
    expect(await pending.text()).toContain('id="pay"');

    const paid = await fetch(simulator.paymentPageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: id, redirect: 'http://localhost:3000/return', action: 'pay' }).toString(),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const again = await fetch(page);
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(await again.text()).toContain('already <strong>paid</strong>');

    const unknown = await fetch(`${simulator.paymentPageUrl}?code=0000000000000000&redirect=http://localhost:3000/return`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('cache-control')).toBe('no-store');
  });
});
