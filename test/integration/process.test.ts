/** The BFF as a real process, the way `npm start` runs it (TypeScript through @swc-node/register). */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): { output: () => string } {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { output: () => output };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the server process', () => {
  it('refuses to start in production without a Cashii key, naming what is missing', async () => {
    const child = run({ NODE_ENV: 'production', REDIRECT_ALLOWED_ORIGINS: 'https://shop.example' });
    const logs = collect(child);
    expect(await exitOf(child)).toBe(1);
    expect(logs.output()).toContain('CASHII_API_KEY is missing');
  });

  it('starts with no configuration, says it uses the simulator, serves Apollo Sandbox, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-proc-'));
    const child = run({ PORT: '0', CASHII_SIMULATOR_PORT: '0', DATABASE_URL: `sqlite:${path.join(dir, 'bff.sqlite')}` });
    const logs = collect(child);
    const exited = exitOf(child);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /GraphQL API ready at (http:\/\/\S+\/graphql)/.exec(logs.output());
          if (match) {
            clearInterval(timer);
            resolve(match[1]);
          }
        }, 50);
        void exited.then(() => reject(new Error(`exited early: ${logs.output()}`)));
      });
      expect(logs.output()).toMatch(/built-in Cashii simulator is running at http:\/\/127\.0\.0\.1:\d+ and no real money moves/);

      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/embeddable-sandbox|Apollo Sandbox/i);

      const health = await fetch(url.replace('/graphql', '/healthz'));
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
