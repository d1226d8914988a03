/**
 * Every custom scalar of the contract says where its format is defined: `@specifiedBy` (which
 * Apollo Sandbox and code generators read) and a description, so a frontend developer can follow
 * the link from the published schema.
 */
import { GraphQLScalarType, parse, specifiedScalarTypes } from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { printAppSchema } from '../../src/graphql/print';

const BUILT_IN = new Set(specifiedScalarTypes.map((scalar) => scalar.name));

describe('custom scalars', () => {
  it('each link the specification of their format with @specifiedBy, DateTimeISO to RFC 3339', async () => {
    const scalars = Object.values((await buildAppSchema()).getTypeMap()).filter(
      (type): type is GraphQLScalarType => type instanceof GraphQLScalarType && !BUILT_IN.has(type.name),
    );
    expect(scalars.map((scalar) => scalar.name).sort()).toEqual(expect.arrayContaining(['DateTimeISO', 'JSONObject', 'SafeInt']));
    const unlinked = scalars.filter((scalar) => !/^https?:\/\//.test(scalar.specifiedByURL ?? '') || !scalar.description);
    expect(unlinked.map((scalar) => scalar.name)).toEqual([]);
    const dateTime = scalars.find((scalar) => scalar.name === 'DateTimeISO')!;
    expect(dateTime.specifiedByURL).toBe('https://www.rfc-editor.org/rfc/rfc3339#section-5.6');
    expect(dateTime.description).toContain('https://www.rfc-editor.org/rfc/rfc3339');
  });

  it('keep the link in the published SDL', async () => {
    const definitions = parse(await printAppSchema()).definitions;
    const dateTime = definitions.find((node) => node.kind === 'ScalarTypeDefinition' && node.name.value === 'DateTimeISO');
    expect(dateTime && 'directives' in dateTime ? dateTime.directives?.map((directive) => directive.name.value) : []).toEqual([
      'specifiedBy',
    ]);
  });
});
