// The Node flags the BFF runs with in production are those of `npm start` (package.json): the
// bench starts its BFFs with the same ones, so what it measures is what runs.
import fs from 'node:fs';
import path from 'node:path';

/** The `--flags` between `node` and `dist/src/main.js` in package.json's start script. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /\bnode((?:\s+--\S+)*)\s+dist\/src\/main\.js/.exec(pkg.scripts.start);
  if (!match) throw new Error('package.json "start" does not run `node [flags] dist/src/main.js`');
  return match[1].split(/\s+/).filter(Boolean);
}
