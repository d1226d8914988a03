import {
  GraphQLID,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  type GraphQLFieldConfigMap,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { operationLimitRules, operationParseOptions } from '../../src/graphql/limits';

const Payment: GraphQLObjectType = new GraphQLObjectType({
  name: 'Payment',
  fields: (): GraphQLFieldConfigMap<unknown, unknown> => ({
    id: { type: new GraphQLNonNull(GraphQLID) },
    events: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Payment))) },
  }),
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      // The schema marks what a lookup costs, as @Extensions({ lookupCost: 1 }) does on the real `payment`.
      payment: { type: Payment, args: { id: { type: new GraphQLNonNull(GraphQLID) } }, extensions: { lookupCost: 1 } },
      me: { type: Payment },
    },
  }),
});
const limits = { maxTokens: 200, maxDirectives: 3, maxDepth: 4, maxAliases: 3, maxPaymentLookups: 2, maxFields: 20 };
const errorsOf = (source: string) =>
  validate(schema, parse(source, operationParseOptions(limits)), [...specifiedRules, ...operationLimitRules(limits)]).map((e) => e.message);

describe('operation limits', () => {
  it('lets a modest operation through', () => {
    expect(errorsOf('{ a: payment(id: "1") { id events { id } } me { id } }')).toEqual([]);
  });

  it('refuses a document over the token limit while parsing it', () => {
    expect(() => errorsOf(`{ __typename ${'@skip(if: false) '.repeat(40)}}`)).toThrow(/more that 200 tokens/);
  });

  it('counts directives, fragments expanded', () => {
    expect(errorsOf('{ me { ...F ...F } } fragment F on Payment { id @include(if: true) events @skip(if: false) { id } }')).toEqual([
      'The operation uses more than 3 directives',
    ]);
  });

  it('counts depth through fragments and inline fragments', () => {
    expect(errorsOf('{ me { ...F } } fragment F on Payment { events { ... on Payment { events { events { id } } } } }')).toEqual([
      'The operation is nested deeper than 4 levels',
    ]);
  });

  it('counts lookups by the lookupCost of the schema field, separately from aliases, also inside fragments', () => {
    expect(errorsOf('{ payment(id: "1") { id } b: payment(id: "2") { id } c: payment(id: "3") { id } }')).toEqual([
      'The operation looks up more than 2 payments',
    ]);
    expect(
      errorsOf(
        '{ ...Q ... on Query { c: payment(id: "3") { id } } } fragment Q on Query { a: payment(id: "1") { id } b: payment(id: "2") { id } }',
      ),
    ).toEqual(['The operation looks up more than 2 payments']);
    // `me` returns a payment too, but its field has no lookupCost.
    expect(errorsOf('{ me { id } x: me { id } y: me { id } }')).toEqual([]);
    expect(errorsOf('{ a: me { id } b: me { id } c: me { id } d: me { id } }')).toEqual(['The operation uses more than 3 aliases']);
  });

  it('counts aliases of __typename too', () => {
    expect(errorsOf('{ a: __typename b: __typename c: __typename d: __typename }')).toEqual(['The operation uses more than 3 aliases']);
  });

  it('bounds the number of fields, fragments expanded, and survives fragment cycles', () => {
    const spread = Array.from({ length: 5 }, () => '...F').join(' ');
    expect(errorsOf(`{ me { ${spread} } } fragment F on Payment { id events { id } }`)).toEqual([]);
    expect(errorsOf(`{ me { ...G } } fragment G on Payment { id events { id events { id } } ${'id '.repeat(20)} }`)).toEqual([
      'The operation selects more than 20 fields',
    ]);
    expect(errorsOf('{ me { ...A } } fragment A on Payment { ...B } fragment B on Payment { ...A }').length).toBeGreaterThan(0);
  });
});
