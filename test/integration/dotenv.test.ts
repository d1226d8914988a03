/** The BFF as a process started in a directory with a `.env` (as `npm run dev` in a checkout with one). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Starts src/main.ts with `cwd` as its working directory; resolves with the exit code and everything it printed. */
function runMain(cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(ROOT, 'src', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('.env at start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bff-dotenv-main-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is read before the configuration, and the environment wins over it', async () => {
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=eighty\nLOG_LEVEL=loud\n');
    const { code, output } = await runMain(dir, { PORT: 'ninety' });
    expect(code).toBe(1);
    expect(output).toContain('PORT must be a whole number from 0 to 65535 (got "ninety")');
    expect(output).toContain('LOG_LEVEL must be one of');
    expect(output).not.toContain('eighty');
  });
});
