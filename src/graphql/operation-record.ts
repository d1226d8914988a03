/**
 * An Apollo plugin that tells the request's scope (src/observability/request-scope.ts) which
 * operation ran and how it ended: the name for log lines, and the bounded name, outcome and error
 * codes that the HTTP edge counts (`bff_graphql_operations_total`, `bff_graphql_errors_total`).
 * GraphQL errors travel in HTTP 200 answers, so the HTTP metrics alone never see them.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { type OperationOutcome, currentRequest, noteOperationName } from '../observability/request-scope';
import type { OperationNames } from './operation-names';

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export function operationRecordPlugin<TContext extends object>(names: OperationNames): ApolloServerPlugin<TContext> {
  return {
    // Before any operation exists (the viewer was refused): the name the client sent, if known.
    contextCreationDidFail({ error }) {
      const scope = currentRequest();
      if (scope && !scope.operation) {
        scope.operation = { operation: names.label(scope.operationName), outcome: 'error', codes: [codeOf(error)] };
      }
      return Promise.resolve();
    },
    requestDidStart() {
      const scope = currentRequest();
      if (!scope) return Promise.resolve(undefined);
      return Promise.resolve({
        didResolveOperation({ operationName }) {
          noteOperationName(scope, operationName);
          return Promise.resolve();
        },
        willSendResponse({ response, operationName }) {
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const errors: readonly GraphQLFormattedError[] = result.errors ?? [];
          const outcome: OperationOutcome = errors.length === 0 ? 'success' : result.data != null ? 'partial' : 'error';
          // Unresolved (a parse or validation error): the client's own operationName may still be a known one.
          const label = names.label(operationName ?? scope.operationName);
          scope.operation = { operation: label, outcome, codes: errors.map(codeOf) };
          return Promise.resolve();
        },
      });
    },
  };
}

/** An error's `extensions.code`, bounded: the formatter (./format-error.ts) only lets contract codes through. */
export function codeOf(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' && CODE.test(code) ? code : 'UNKNOWN';
}
