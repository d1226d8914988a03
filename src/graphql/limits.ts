/**
 * Validation rules that bound what one operation may cost before it runs: nesting depth,
 * aliases, `payment` lookups (each may cost a Cashii call) and fields in all (fragments
 * expanded). Rejections are GraphQL validation errors naming the limit.
 */
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxPaymentLookups: number;
  maxFields: number;
}

interface Tally {
  depth: number;
  aliases: number;
  lookups: number;
  fields: number;
}

export function operationLimitRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const tally: Tally = { depth: 0, aliases: 0, lookups: 0, fields: 0 };
      const fragments = (name: string) => context.getFragment(name);
      walk(operation.selectionSet, 1, operation.operation === OperationTypeNode.QUERY, fragments, tally, new Set(), limits);
      const broken = [
        tally.depth > limits.maxDepth && `is nested deeper than ${limits.maxDepth} levels`,
        tally.aliases > limits.maxAliases && `uses more than ${limits.maxAliases} aliases`,
        tally.lookups > limits.maxPaymentLookups && `looks up more than ${limits.maxPaymentLookups} payments`,
        tally.fields > limits.maxFields && `selects more than ${limits.maxFields} fields`,
      ].find(Boolean);
      if (broken) context.reportError(new GraphQLError(`The operation ${broken}`, { nodes: [operation] }));
    },
  });
}

function walk(
  set: SelectionSetNode,
  depth: number,
  isRootQuery: boolean,
  fragments: (name: string) => FragmentDefinitionNode | null | undefined,
  tally: Tally,
  visiting: Set<string>,
  limits: OperationLimits,
): void {
  // Stop early once any limit is exceeded: the answer is already "no", and huge documents stay cheap.
  if (tally.fields > limits.maxFields || tally.depth > limits.maxDepth) return;
  tally.depth = Math.max(tally.depth, depth);
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      tally.fields++;
      if (selection.alias) tally.aliases++;
      if (isRootQuery && selection.name.value === 'payment') tally.lookups++;
      if (selection.selectionSet) walk(selection.selectionSet, depth + 1, false, fragments, tally, visiting, limits);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(selection.selectionSet, depth, isRootQuery, fragments, tally, visiting, limits);
    } else {
      const name = selection.name.value;
      const fragment = fragments(name);
      if (!fragment || visiting.has(name)) continue; // unknown or cyclic fragments are other rules' errors
      visiting.add(name);
      walk(fragment.selectionSet, depth, isRootQuery, fragments, tally, visiting, limits);
      visiting.delete(name);
    }
  }
}
