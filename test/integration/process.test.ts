/** The BFF as a real process, the way `npm start` runs it. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildForChildren } from '../../bench/build';
import { spawnServer } from '../support/server-process';

const ROOT = path.join(__dirname, '..', '..');

/** The pids of a process's descendants (from /proc), to clean up whatever a failed test left running. */
function descendantsOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

  // A container runtime sends SIGTERM to PID 1, which is npm under `npm start`: npm forwards it to the
  // script's process, which must be node itself (`exec`), not a shell that dies and leaves node serving.
  it('under npm start, SIGTERM to npm reaches the server: it shuts down gracefully, npm exits 0 and the port is free', async () => {
    const startScript = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
      .start;
    expect(startScript).toContain('dist/src/main.js');
    const build = await buildForChildren(ROOT);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-npm-start-'));
    // The real start script, with the compiled tree in place of dist/ and a build that is already done.
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'npm-start-probe',
        private: true,
        scripts: { build: 'true', start: startScript.replace('dist/src/main.js', build.entry('src/main.ts')) },
      }),
    );
    const npm = spawn('npm', ['start'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        PORT: '0',
        CASHII_SIMULATOR_PORT: '0',
        DATABASE_URL: `sqlite:${path.join(dir, 'bff.sqlite')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    let started: number[] = [];
    try {
      const deadline = Date.now() + 30_000;
      let url: string | undefined;
      while (url === undefined && Date.now() < deadline && npm.exitCode === null) {
        url = /GraphQL API ready at (http:\/\/\S+\/graphql)/.exec(output)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (url === undefined) throw new Error(`npm start did not get ready:\n${output}`);
      started = descendantsOf(npm.pid!);
      expect((await fetch(url.replace('/graphql', '/livez'))).status).toBe(200);

      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('"signal":"SIGTERM","msg":"shutting down"');
      expect(output).toContain('"msg":"stopped"');
      expect(started.filter(alive)).toEqual([]);
      await expect(fetch(url.replace('/graphql', '/livez'))).rejects.toThrow();
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const pid of started.filter(alive)) process.kill(pid, 'SIGKILL');
      build.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
