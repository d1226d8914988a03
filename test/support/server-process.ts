/** The BFF as a child process (TypeScript through @swc-node/register, as `npm run dev` runs it). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

export interface ServerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves with the GraphQL URL once the start-up log announces it. */
  ready(timeoutMs?: number): Promise<string>;
}

export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    ready: (timeoutMs = 15_000) =>
      new Promise<string>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const timer = setInterval(() => {
          const match = /GraphQL API ready at (http:\/\/\S+\/graphql)/.exec(output);
          if (match) {
            clearInterval(timer);
            resolve(match[1]);
          } else if (Date.now() > deadline) {
            clearInterval(timer);
            reject(new Error(`server not ready: ${output}`));
          }
        }, 25);
        void exited.then(() => {
          clearInterval(timer);
          reject(new Error(`server exited early: ${output}`));
        });
      }),
  };
}

export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
