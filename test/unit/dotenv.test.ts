import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Runs `loadDotEnv(file)` in a fresh Node process (jest gives tests a copy of process.env that
 * process.loadEnvFile does not write to) and returns what it answered and the variables it then sees.
 */
function loadIn(file: string, env: Record<string, string>): { loaded: boolean; env: Record<string, string> } | { error: string } {
  const script = `
    const { loadDotEnv } = require(${JSON.stringify(path.join(ROOT, 'src', 'config', 'dotenv.ts'))});
    try {
      const loaded = loadDotEnv(${JSON.stringify(file)});
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('BFF_DOTENV_')));
      process.stdout.write(JSON.stringify({ loaded, env }));
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: error.code }));
    }`;
  const child = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env },
    encoding: 'utf8',
  });
  return JSON.parse(child.stdout) as { loaded: boolean; env: Record<string, string> } | { error: string };
}

describe('.env', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bff-dotenv-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds the variables of the file without replacing any already set, even to an empty value', () => {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# local\nBFF_DOTENV_SET=from-file\nBFF_DOTENV_NEW="from file"\nBFF_DOTENV_EMPTY=from-file\n');
    expect(loadIn(file, { BFF_DOTENV_SET: 'from-environment', BFF_DOTENV_EMPTY: '' })).toEqual({
      loaded: true,
      env: { BFF_DOTENV_SET: 'from-environment', BFF_DOTENV_NEW: 'from file', BFF_DOTENV_EMPTY: '' },
    });
  });

  it('does nothing when there is no file', () => {
    expect(loadIn(path.join(dir, 'missing.env'), {})).toEqual({ loaded: false, env: {} });
  });

  it('fails when the file exists but cannot be read', () => {
    expect(loadIn(dir, {})).toEqual({ error: expect.any(String) });
  });
});
