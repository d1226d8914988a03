// Cold start as an operator sees it: spawn the compiled BFF (node src/main.js, built-in simulator,
// a fresh SQLite file) and time until its first GraphQL answer.
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Build } from './build';
import { gql, readBody } from './graphql';
import { productionNodeFlags } from './node-flags';
import { spawnTracked, stopTracked } from './proc';

const READY = /GraphQL API ready at (http:\/\/[^\s"]+\/graphql)/;
/** An id no one has: the answer is a real read through resolvers and database, of nothing. */
const UNKNOWN_ID = '1000000000000000';

async function once(build: Build, databaseFile: string): Promise<number> {
  const started = performance.now();
  const child = spawnTracked(process.execPath, [...productionNodeFlags(), build.entry('src/main.ts')], {
    PORT: '0',
    CASHII_SIMULATOR_PORT: '0',
    DATABASE_URL: `sqlite:${databaseFile}`,
    LOG_LEVEL: 'info',
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the BFF did not log "GraphQL API ready" within 30 s')), 30_000);
      let errors = '';
      child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-2000)));
      child.once('exit', (code) => reject(new Error(`the BFF exited with ${code} before it was ready: ${errors}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = READY.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    await gql(url, readBody(UNKNOWN_ID), (body) => (body.trimEnd() === '{"data":{"payment":null}}' ? null : 'expected payment null'));
    return performance.now() - started;
  } finally {
    await stopTracked(child);
  }
}

/** Milliseconds from spawn to the first answered request, one per sample, each on a fresh database. */
export async function measureColdStarts(build: Build, workDir: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await once(build, path.join(workDir, `cold-${i}.sqlite`)));
  return times;
}
