import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { operationLimitRule } from '../../src/graphql/limits';

const schema = buildSchema(`
  type Payment { id: ID! events: [Payment!]! }
  type Query { payment(id: ID!): Payment me: Payment }
`);
const limits = { maxDepth: 4, maxAliases: 3, maxPaymentLookups: 2, maxFields: 20 };
const errorsOf = (source: string) => validate(schema, parse(source), [...specifiedRules, operationLimitRule(limits)]).map((e) => e.message);

describe('operation limits', () => {
  it('lets a modest operation through', () => {
    expect(errorsOf('{ a: payment(id: "1") { id events { id } } me { id } }')).toEqual([]);
  });

  it('counts depth through fragments and inline fragments', () => {
    expect(errorsOf('{ me { ...F } } fragment F on Payment { events { ... on Payment { events { events { id } } } } }')).toEqual([
      'The operation is nested deeper than 4 levels',
    ]);
  });

  it('counts payment lookups separately from aliases', () => {
    expect(errorsOf('{ payment(id: "1") { id } b: payment(id: "2") { id } c: payment(id: "3") { id } }')).toEqual([
      'The operation looks up more than 2 payments',
    ]);
    expect(errorsOf('{ a: me { id } b: me { id } c: me { id } d: me { id } }')).toEqual(['The operation uses more than 3 aliases']);
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
