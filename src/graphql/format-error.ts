/**
 * The one place where failures become GraphQL errors. Expected failures keep their contract
 * code; GraphQL's own input coercion errors become BAD_USER_INPUT with `extensions.field`;
 * everything else is logged with its cause and masked as INTERNAL_SERVER_ERROR.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '../common/error-codes';
import { AppError } from '../common/errors';
import { StorageUnavailableError, storageFaultCode } from '../db/storage-fault';
import type { Logger } from '../logger';

/** Codes of errors that GraphQL/Apollo raise about the request itself (no internals in them). */
const REQUEST_ERROR_CODES = new Set<ErrorCode>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'UNAUTHENTICATED',
  'TRUSTED_DOCUMENT_REQUIRED',
  'RATE_LIMITED',
]);

/**
 * Messages of GraphQL's own input coercion (variables and inline literals, scalars' parse errors
 * included). graphql-js gives these errors no code or structure of their own, so the text is the
 * seam: test/unit/coercion-messages.test.ts produces each form with the installed graphql-js and
 * fails on an upgrade that changes one.
 */
export const COERCION_MESSAGE =
  /^(Variable "\$|Expected value of type|Field "[^"]+" of required type|Field "[^"]+" is not defined by type)|cannot represent/;

export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.extensions } };
    }
    // A read that hit a storage fault (writes wrap theirs in StorageUnavailableError, an AppError).
    const storageFault = storageFaultCode(original);
    if (storageFault !== null) {
      log.warn({ reason: storageFault, path: formatted.path }, 'a request could not reach the database');
      const unavailable = new StorageUnavailableError(storageFault, 'Payment records are unavailable right now, please try again');
      return { ...base, message: unavailable.message, extensions: { code: unavailable.code, ...unavailable.extensions } };
    }

    // graphql-js's own errors (syntax, validation) carry no code when they come through graphql-ws.
    const bare = error instanceof GraphQLError && !error.originalError && formatted.extensions?.code === undefined;
    const code = bare ? 'GRAPHQL_VALIDATION_FAILED' : formatted.extensions?.code;
    if (formatted.path === undefined && typeof code === 'string' && REQUEST_ERROR_CODES.has(code as ErrorCode)) {
      if (COERCION_MESSAGE.test(formatted.message)) {
        return { ...base, extensions: { code: 'BAD_USER_INPUT', field: coercionField(formatted.message, error) } };
      }
      return { ...base, extensions: { code } };
    }

    log.error({ err: original, path: formatted.path }, 'unexpected error while resolving a request');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * The input field a coercion error is about: `Field "x" of required type`, the last segment of
 * `at "input.x"`, the variable name, or (inline literals) the name written before the value.
 */
export function coercionField(message: string, error?: unknown): string | undefined {
  const named = /Field "(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)" (?:of required type|is not defined by type)/.exec(message);
  if (named) return named[1];
  const at = /at "([^"]+)"/.exec(message);
  if (at)
    return at[1]
      .split(/[.[\]]/)
      .filter(Boolean)
      .pop();
  if (error instanceof GraphQLError && error.source && error.positions?.length) {
    const before = error.source.body.slice(0, error.positions[0]);
    const literal = /([A-Za-z_]\w*)\s*:\s*$/.exec(before);
    if (literal) return literal[1];
  }
  const variable = /^Variable "\$([A-Za-z_]\w*)"/.exec(message);
  return variable?.[1];
}
