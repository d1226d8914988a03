/** `npm run schema`: writes schema.graphql from the code (the published form of the GraphQL contract). */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../src/graphql/print';

async function main(): Promise<void> {
  const file = path.resolve(__dirname, '..', 'schema.graphql');
  fs.writeFileSync(file, await printAppSchema());
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
