/**
 * Expected failures, with the stable codes of the GraphQL contract (the `service` codes of
 * src/common/error-codes.ts, the one list). Services throw these; the GraphQL edge turns them into
 * errors (src/graphql/format-error.ts) and masks everything else.
 */
import type { AppErrorCode } from './error-codes';

export type { AppErrorCode, ErrorCode } from './error-codes';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Extra `extensions` for the client; never internals. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Invalid input, naming the input field (`extensions.field`). */
export function badInput(field: string, message: string): AppError {
  return new AppError('BAD_USER_INPUT', message, { field });
}

/** Cashii failed or could not be reached; `retryable` tells the client whether trying again can help. */
export function upstreamUnavailable(retryable: boolean, message = 'The payment service is unavailable, please try again'): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', message, { retryable });
}

/** The idempotency key was used before with a different input. */
export function idempotencyKeyReused(): AppError {
  return new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different input', {
    field: 'idempotencyKey',
  });
}
