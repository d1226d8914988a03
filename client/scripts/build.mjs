/**
 * Builds the package into dist/ (npm run build; prepack runs it):
 *   dist/esm/   ES modules and declarations (tsconfig.build.json), marked "type": "module"
 *   dist/cjs/   CommonJS and declarations (tsconfig.cjs.json), marked "type": "commonjs"
 *   dist/persisted-documents.json, dist/persisted-query-manifest.json   the two manifests of src/gql/
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const client = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(client, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

fs.rmSync(dist, { recursive: true, force: true });
for (const [project, folder, type] of [
  ['tsconfig.build.json', 'esm', 'module'],
  ['tsconfig.cjs.json', 'cjs', 'commonjs'],
]) {
  execFileSync(process.execPath, [tsc, '-p', path.join(client, project)], { cwd: client, stdio: 'inherit' });
  fs.writeFileSync(path.join(dist, folder, 'package.json'), `${JSON.stringify({ type, sideEffects: false })}\n`);
}
for (const manifest of ['persisted-documents.json', 'persisted-query-manifest.json']) {
  fs.copyFileSync(path.join(client, 'src', 'gql', manifest), path.join(dist, manifest));
}
