/** The BFF as a real process, the way `npm start` runs it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from '../support/server-process';

describe('the server process', () => {
  it('refuses to start in production without a Cashii key, naming what is missing', async () => {
    const server = spawnServer({ NODE_ENV: 'production', REDIRECT_ALLOWED_ORIGINS: 'https://shop.example' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('CASHII_API_KEY is missing');
  });

  it('starts with no configuration, says it uses the simulator, serves GraphiQL and probes, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-proc-'));
    const server = spawnServer({ PORT: '0', CASHII_SIMULATOR_PORT: '0', DATABASE_URL: `sqlite:${path.join(dir, 'bff.sqlite')}` });
    try {
      const url = await server.ready();
      expect(server.output()).toMatch(/built-in Cashii simulator is running at http:\/\/127\.0\.0\.1:\d+ and no real money moves/);

      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      // The IDE that works offline: GraphiQL, its files served by the BFF itself (test/e2e/graphiql.test.ts runs it).
      expect(html).toMatch(/<script src="ide\/[^"]+\/yoga-graphiql\.umd\.js">/);
      // It opens with a ready example operation and its variables.
      expect(html).toContain('mutation CreatePayment');
      expect(html).toContain('3000000000');

      for (const probe of ['/livez', '/readyz', '/healthz']) {
        const response = await fetch(url.replace('/graphql', probe));
        expect([probe, response.status, await response.json()]).toEqual([probe, 200, { status: 'ok' }]);
      }
      const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toContain('bff_http_requests_total{route="/livez",status="200"} 1');
      expect(metrics).toContain('bff_cashii_circuit_state');
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
