/**
 * What a replica does before it takes traffic: each trusted query runs once through Apollo, for a
 * viewer who owns nothing (and, for the back office's queries, once more as an operator), with ids
 * that name nothing.
 *
 * A soak on two PostgreSQL replicas showed each process stall for 0.4 to 1.3 s in its first two
 * seconds under load: the first request of each document parsed and validated it, V8 compiled
 * every function on the way, and the pool opened its connections, while the open-loop load piled
 * up behind. Run here, that work is done before `listen`, and the trusted documents are in Apollo's
 * document cache when their first request arrives. Nothing is written and Cashii is not called (a
 * payment that does not exist is never confirmed); a failure is logged at debug and never stops
 * the start, and the whole warm-up is bounded by `budgetMs`.
 */
import {
  GraphQLEnumType,
  GraphQLNonNull,
  GraphQLScalarType,
  Kind,
  type GraphQLSchema,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  typeFromAST,
} from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '../auth/viewer';
import type { Logger } from '../logger';
import type { GraphQLContext } from './context';
import { codeOf } from './operation-record';

/** The warm-up's viewer: it only reads, and what it reads is thrown away. */
export const WARM_UP_VIEWER_ID = 'bff-warm-up';
/** The id the warm-up's queries ask for: in a payment id's form; the customer viewer owns no payment, so none is read. */
export const WARM_UP_ID = '0000000000000000';

export interface WarmUpOptions {
  apollo: ApolloServer<GraphQLContext>;
  schema: GraphQLSchema;
  /** The documents clients send (the trusted documents' bodies). */
  documents: Iterable<string>;
  contextFor: (viewer: Viewer) => GraphQLContext;
  /** Opens the database's connections (each pooled one), run beside the documents. */
  openConnections: () => Promise<unknown>;
  log: Logger;
  budgetMs: number;
}

export interface WarmUpReport {
  /** Operations run: each query once as a customer, and once more as an operator when a customer may not. */
  readonly operations: number;
  /** The error codes the operations answered, counted (FORBIDDEN for the customer's run of an operator's query). */
  readonly errors: Readonly<Record<string, number>>;
  /** Queries left out: a required variable of a type that cannot be made up (an input object). */
  readonly skipped: number;
  readonly ms: number;
  /** Whether the budget ended it before everything ran. */
  readonly cut: boolean;
}

/** A query of a trusted document with the variables that make it run for nobody. */
interface WarmQuery {
  readonly query: string;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown>;
}

export async function warmUp(options: WarmUpOptions): Promise<WarmUpReport> {
  const started = performance.now();
  const { queries, skipped } = warmQueries(options.schema, options.documents);
  let operations = 0;
  const errors: Record<string, number> = {};
  /** Set when the budget ends the warm-up: what has not started by then does not start (the replica is taking traffic). */
  let over = false;
  /** Runs one query; answers whether the viewer was refused it (an operator's query). */
  const runOne = async ({ query, operationName, variables }: WarmQuery, viewer: Viewer): Promise<boolean> => {
    if (over) return false;
    let forbidden = false;
    try {
      const response = await options.apollo.executeOperation(
        { query, operationName, variables },
        { contextValue: options.contextFor(viewer) },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
      for (const error of result.errors ?? []) {
        const code = codeOf(error);
        errors[code] = (errors[code] ?? 0) + 1;
        forbidden ||= code === 'FORBIDDEN';
      }
    } catch (error) {
      errors.THROWN = (errors.THROWN ?? 0) + 1;
      options.log.debug({ err: error, operationName }, 'warm-up: an operation failed');
    }
    operations++;
    return forbidden;
  };
  const run = async (): Promise<void> => {
    await Promise.all([
      options.openConnections().catch((error: unknown) => options.log.debug({ err: error }, 'warm-up: opening connections failed')),
      // As a customer who owns nothing; then, as an operator, only what a customer may not run (the
      // back office's queue): an operator may read any payment, and none of them is read here.
      ...queries.map(async (query) => {
        if (await runOne(query, { id: WARM_UP_VIEWER_ID })) await runOne(query, { id: WARM_UP_VIEWER_ID, operator: true });
      }),
    ]);
  };
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'cut'>((resolve) => (timer = setTimeout(() => resolve('cut'), options.budgetMs)));
  const cut = (await Promise.race([run(), budget])) === 'cut';
  over = true;
  clearTimeout(timer);
  return { operations, skipped, errors, ms: Math.round(performance.now() - started), cut };
}

/** Each query operation of the documents, with made-up values for its required variables. */
export function warmQueries(schema: GraphQLSchema, documents: Iterable<string>): { queries: WarmQuery[]; skipped: number } {
  const queries: WarmQuery[] = [];
  let skipped = 0;
  for (const query of new Set(documents)) {
    let operations: OperationDefinitionNode[];
    try {
      operations = parse(query).definitions.filter(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.QUERY,
      );
    } catch {
      continue; // not a document Apollo would run either
    }
    for (const operation of operations) {
      const variables = madeUpVariables(schema, operation);
      if (variables === null) skipped++;
      else queries.push({ query, operationName: operation.name?.value, variables });
    }
  }
  return { queries, skipped };
}

/** Values for the required variables without a default (optional ones are left out), or null when one cannot be made up. */
function madeUpVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> | null {
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    if (!(type instanceof GraphQLNonNull) || definition.defaultValue !== undefined) continue;
    const named = type.ofType;
    if (named instanceof GraphQLEnumType) variables[definition.variable.name.value] = named.getValues()[0]?.name;
    else if (!(named instanceof GraphQLScalarType)) return null;
    else if (named.name === 'Int' || named.name === 'Float') variables[definition.variable.name.value] = 1;
    else if (named.name === 'Boolean') variables[definition.variable.name.value] = false;
    // An ID in the form of a payment's (16 digits) passes the checks and reaches the stores, where it names nothing.
    else variables[definition.variable.name.value] = named.name === 'ID' ? WARM_UP_ID : 'warm-up';
  }
  return variables;
}
