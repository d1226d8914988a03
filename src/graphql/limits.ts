/**
 * What one operation may cost before it runs. The generic bounds come from maintained code:
 * tokens from graphql-js itself (`parse` stops at `maxTokens`, so a flood of `@a @a @a ...` is
 * refused while parsing instead of being parsed and validated in full), directives, depth and
 * aliases from graphql-armor's validation rules. The BFF's own rule bounds what is particular to
 * it: lookups that may each cost a Cashii call (fields whose schema extension `lookupCost` says
 * so, e.g. `payment`) and fields in all (fragments expanded). Rejections are GraphQL validation
 * errors naming the limit (HTTP 400, GRAPHQL_VALIDATION_FAILED; tokens: GRAPHQL_PARSE_FAILED).
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type ASTVisitor,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
} from 'graphql';

export interface OperationLimits {
  /** Lexical tokens in one document; unset: DEFAULT_MAX_TOKENS. */
  maxTokens?: number;
  /** Directives in one operation, fragments expanded; unset: DEFAULT_MAX_DIRECTIVES. */
  maxDirectives?: number;
  maxDepth: number;
  maxAliases: number;
  /** Sum of the `lookupCost` extensions of the fields one operation selects. */
  maxPaymentLookups: number;
  maxFields: number;
}

/** The introspection query GraphiQL sends has about 200 tokens and the client's largest operation under 100. */
export const DEFAULT_MAX_TOKENS = 2000;
export const DEFAULT_MAX_DIRECTIVES = 50;

/** The field extension that marks a field as a lookup (its value: how many lookups one selection costs). */
export const LOOKUP_COST = 'lookupCost';

/** For Apollo's `parseOptions` (and any other parser of client documents, e.g. the WebSocket's). */
export function operationParseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens ?? DEFAULT_MAX_TOKENS };
}

export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  const maxDirectives = limits.maxDirectives ?? DEFAULT_MAX_DIRECTIVES;
  return [
    maxDirectivesRule({ n: maxDirectives, ...reportAs(`uses more than ${maxDirectives} directives`) }),
    // Fragments add no level (as before graphql-armor); introspection is not counted.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportAs(`is nested deeper than ${limits.maxDepth} levels`) }),
    // Every alias counts, `__typename` ones too.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...reportAs(`uses more than ${limits.maxAliases} aliases`) }),
    lookupAndFieldRule(limits),
  ];
}

/** graphql-armor throws by default (Apollo would answer 500): report a validation error instead, in the BFF's words. */
function reportAs(broken: string) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null) => context?.reportError(new GraphQLError(`The operation ${broken}`))],
  };
}

interface Tally {
  lookups: number;
  fields: number;
}

function lookupAndFieldRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const schema = context.getSchema();
      const tally: Tally = { lookups: 0, fields: 0 };
      walk(operation.selectionSet, schema.getRootType(operation.operation), { schema, context, tally, limits, visiting: new Set() });
      const broken = [
        tally.lookups > limits.maxPaymentLookups && `looks up more than ${limits.maxPaymentLookups} payments`,
        tally.fields > limits.maxFields && `selects more than ${limits.maxFields} fields`,
      ].find(Boolean);
      if (broken) context.reportError(new GraphQLError(`The operation ${broken}`, { nodes: [operation] }));
    },
  });
}

interface Walk {
  schema: GraphQLSchema;
  context: ValidationContext;
  tally: Tally;
  limits: OperationLimits;
  visiting: Set<string>;
}

/** `parent` is null under a field or fragment the schema does not know: other rules report those. */
function walk(set: SelectionSetNode, parent: GraphQLCompositeType | null | undefined, w: Walk): void {
  // Stop early once the field limit is exceeded: the answer is already "no", and fragment fan-out stays cheap.
  if (w.tally.fields > w.limits.maxFields) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      w.tally.fields++;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const cost = field?.extensions[LOOKUP_COST];
      if (typeof cost === 'number') w.tally.lookups += cost;
      const type = field ? getNamedType(field.type) : null;
      if (selection.selectionSet) walk(selection.selectionSet, isCompositeType(type) ? type : null, w);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(selection.selectionSet, selection.typeCondition ? composite(w.schema, selection.typeCondition.name.value) : parent, w);
    } else {
      const name = selection.name.value;
      const fragment = w.context.getFragment(name);
      if (!fragment || w.visiting.has(name)) continue; // unknown or cyclic fragments are other rules' errors
      w.visiting.add(name);
      walk(fragment.selectionSet, composite(w.schema, fragment.typeCondition.name.value), w);
      w.visiting.delete(name);
    }
  }
}

function composite(schema: GraphQLSchema, name: string): GraphQLCompositeType | null {
  const type = schema.getType(name);
  return isCompositeType(type) ? type : null;
}
