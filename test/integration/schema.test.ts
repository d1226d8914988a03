import fs from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { printAppSchema } from '../../src/graphql/print';
import { SANDBOX_DOCUMENT } from '../../src/graphql/sandbox-example';
import { buildAppSchema } from '../../src/graphql/schema';

describe('schema.graphql', () => {
  it('matches the schema built from the code (run `npm run schema` after changing it)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printAppSchema());
  });

  it('has a description on every type and field', async () => {
    const schema = await buildAppSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description) missing.push(type.name);
      if ('getFields' in type) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("keeps Apollo Sandbox's example operations valid", async () => {
    expect(validate(await buildAppSchema(), parse(SANDBOX_DOCUMENT)).map((e) => e.message)).toEqual([]);
  });
});
