/**
 * Apollo's persisted-query manifest: Apollo's own tool (`@apollo/generate-persisted-query-manifest`, its CLI
 * as an app team runs it) reads client/operations/ and writes exactly the manifest that `npm run codegen`
 * commits (client/src/gql/persisted-query-manifest.json): same operations, bodies and ids.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kind, parse } from 'graphql';

const ROOT = path.join(__dirname, '..', '..');
const OPERATIONS = path.join(ROOT, 'client', 'operations');
const COMMITTED = path.join(ROOT, 'client', 'src', 'gql', 'persisted-query-manifest.json');
const CLI = path.join(ROOT, 'node_modules', '@apollo', 'generate-persisted-query-manifest', 'cli.js');

interface Manifest {
  format: string;
  version: number;
  operations: Array<{ id: string; name: string; type: string; body: string }>;
}

function graphqlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? graphqlFiles(path.join(dir, entry.name)) : entry.name.endsWith('.graphql') ? [path.join(dir, entry.name)] : [],
    );
}

describe("Apollo's persisted-query manifest", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-apollo-manifest-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('declares one operation per file in client/operations/', () => {
    const counts = graphqlFiles(OPERATIONS).map((file) => [
      path.relative(OPERATIONS, file),
      parse(fs.readFileSync(file, 'utf8')).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length,
    ]);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.filter(([, count]) => (count as number) > 1)).toEqual([]);
  });

  it('is what @apollo/generate-persisted-query-manifest makes of client/operations/, byte for byte', async () => {
    const config = path.join(work, 'persisted-query-manifest.config.json');
    const output = path.join(work, 'persisted-query-manifest.json');
    fs.writeFileSync(config, JSON.stringify({ documents: ['client/operations/**/*.graphql'], output }));
    const run = await promisify(execFile)(process.execPath, [CLI, '--config', config], { cwd: ROOT, timeout: 60_000 });
    expect(run.stdout).toContain('Manifest written');
    const generated = fs.readFileSync(output, 'utf8');
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(generated);

    const manifest = JSON.parse(generated) as Manifest;
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    expect(manifest.operations.map((operation) => `${operation.type} ${operation.name}`)).toEqual([
      'mutation ConfirmPaymentReturn',
      'mutation CreateRemotePayment',
      'query Order',
      'query Payment',
      'subscription PaymentStatusChanged',
      'query Payments',
      'mutation RecheckPayment',
      'mutation ResolvePaymentReview',
      'query ReviewQueue',
    ]);
    for (const operation of manifest.operations) {
      expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
      expect(operation.body).toContain('__typename');
    }
  }, 70_000);
});
