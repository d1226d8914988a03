/** A log-safe description of an error: its class and kind, never a stack or a secret. */
import { CashiiError } from '../cashii';

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof CashiiError) return { type: error.name, kind: error.kind, httpStatus: error.httpStatus, detail: error.detail };
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error };
}
