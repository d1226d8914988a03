/** Apollo Server as this BFF runs it: nothing per request that need not run, nothing shown that need not be. */
import { ApolloServer, type ApolloServerOptions } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { Config } from '../config';
import { type AnswerCache, answerCachePlugin } from './answer-cache';
import { boundedDocumentStore, boundedStringCache } from './bounded-cache';
import type { GraphQLContext } from './context';
import { exampleHeaders, ideLandingPage, ideOf } from './ide';
import { operationParseOptions } from './limits';
import { OperationNames } from './operation-names';
import { operationRecordPlugin } from './operation-record';
import { subscriptionsOverHttpRefused } from './http-subscriptions';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: Config;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  validationRules: ValidationRule[];
  /** Kept answers of repeated queries (./answer-cache.ts); null: every query executes. */
  answers?: AnswerCache | null;
}

/** Apollo Server with the names of the known operations, which the HTTP edge labels its metrics with. */
export class BffApolloServer extends ApolloServer<GraphQLContext> {
  constructor(
    options: ApolloServerOptions<GraphQLContext>,
    readonly operationNames: OperationNames,
    /** What Apollo's two caches hold (parsed documents; automatic persisted queries), for the metrics. */
    readonly caches: Readonly<Record<'documents' | 'persisted_queries', { held(): { entries: number; bytes: number } }>>,
  ) {
    super(options);
  }
}

export function createApollo({ schema, config, formatError, validationRules, answers }: ApolloOptions): BffApolloServer {
  const operationNames = OperationNames.fromManifests(config.graphql.trustedDocumentsFile);
  const caches = {
    documents: boundedDocumentStore(config.graphql.documentCacheBytes),
    persisted_queries: boundedStringCache(config.graphql.persistedQueryCacheBytes),
  };
  const options: ApolloServerOptions<GraphQLContext> = {
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: config.graphql.introspection,
    // No "Did you mean ...?" hints that map the schema for strangers.
    hideSchemaDetailsFromClientErrors: config.production,
    validationRules,
    // A document past the token limit is refused while it is parsed (GRAPHQL_PARSE_FAILED), before any rule runs.
    parseOptions: operationParseOptions(config.graphql),
    // Parsed documents and automatic persisted queries, bounded in bytes as the heap holds them (./bounded-cache.ts).
    documentStore: caches.documents,
    cache: caches.persisted_queries,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // The app's close() owns shutdown: Apollo would otherwise re-raise the signal and exit non-zero.
    stopOnTerminationSignals: false,
    plugins: [
      ideLandingPage(ideOf(config), exampleHeaders(config.auth.mode)),
      // Which operation ran and how it ended, for log lines and the per-operation metrics (bounded to the manifest's names).
      operationRecordPlugin(operationNames),
      // Subscriptions are graphql-ws's: one sent over HTTP is refused with 400 once Apollo resolved the operation.
      subscriptionsOverHttpRefused(),
      // Repeated queries answered from what they read while it is unchanged (after the operation is known, before execution).
      ...(answers ? [answerCachePlugin(answers)] : []),
      // Cache hints wrap every resolver; nothing here uses them.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.production ? [ApolloServerPluginDisableSuggestions()] : []),
    ],
  };
  return new BffApolloServer(options, operationNames, caches);
}
