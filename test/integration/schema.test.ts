import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../../src/graphql/print';

describe('schema.graphql', () => {
  it('matches the schema built from the code (run `npm run schema` after changing it)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printAppSchema());
  });
});
