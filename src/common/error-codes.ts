/**
 * Every `extensions.code` the BFF answers with, and who answers it: the one list of error codes.
 * What derives from it:
 *   - `ErrorCode` (any code) and `AppErrorCode` (what services throw as an AppError, src/common/errors.ts);
 *   - the client's `ERROR_CODES` / `isErrorCode` (client/src/error-codes.ts, written by `npm run codegen`);
 * and what is checked against it (test/unit/error-codes.test.ts): README's error tables list exactly
 * these codes, the GraphQL contract's table lists the `service` and `masked` ones, every code literal
 * written in src/ is one of them, and Apollo Server's own codes are all here.
 * A new code is one line here, then `npm run codegen` and a row in README's table.
 */
export const ERROR_CODES = {
  // Expected failures the services throw (AppError): the codes of the GraphQL contract.
  BAD_USER_INPUT: 'service',
  UNAUTHENTICATED: 'service',
  /** The viewer is known but may not do this (back-office operations need an operator). */
  FORBIDDEN: 'service',
  IDEMPOTENCY_KEY_REUSED: 'service',
  /** The order (`orderId`) already has a PAID or REFUNDED payment; `extensions.paymentId` names it. */
  ORDER_ALREADY_PAID: 'service',
  UPSTREAM_UNAVAILABLE: 'service',
  UPSTREAM_REJECTED: 'service',
  /** The database could not commit or be reached; nothing was stored; `retryable: true`. */
  STORAGE_UNAVAILABLE: 'service',
  RATE_LIMITED: 'service',

  // Refusals of the request itself, before or instead of running an operation: the HTTP layer,
  // the trusted-document check, Apollo Server and graphql-js.
  BAD_REQUEST: 'request',
  PAYLOAD_TOO_LARGE: 'request',
  UNSUPPORTED_MEDIA_TYPE: 'request',
  METHOD_NOT_ALLOWED: 'request',
  NOT_FOUND: 'request',
  TRUSTED_DOCUMENT_REQUIRED: 'request',
  PERSISTED_QUERY_HASH_MISMATCH: 'request',
  PERSISTED_QUERY_NOT_FOUND: 'request',
  PERSISTED_QUERY_NOT_SUPPORTED: 'request',
  GRAPHQL_PARSE_FAILED: 'request',
  GRAPHQL_VALIDATION_FAILED: 'request',
  OPERATION_RESOLUTION_FAILURE: 'request',

  // Anything else, logged and masked.
  INTERNAL_SERVER_ERROR: 'masked',
} as const satisfies Record<string, 'service' | 'request' | 'masked'>;

/** A code the BFF answers with (`errors[i].extensions.code`). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A code a service throws as an AppError. */
export type AppErrorCode = { [Code in ErrorCode]: (typeof ERROR_CODES)[Code] extends 'service' ? Code : never }[ErrorCode];

/** Every code, in the order above. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** Whether a value is one of the BFF's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
