/** The SDL of the schema as committed in schema.graphql. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildAppSchema } from './schema';

export async function printAppSchema(): Promise<string> {
  const schema = await buildAppSchema();
  return `# Generated from the code by \`npm run schema\`. Do not edit by hand.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
