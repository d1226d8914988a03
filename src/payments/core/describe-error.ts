/** A log-safe description of an error: its class and kind, never a stack or a secret. */
import { CashiiError } from '../../cashii';
import { scrubSecrets } from '../../logger';

/**
 * Upstream bodies are logged for diagnosis, cut short and with anything key- or token-like masked.
 * The configured secrets go first, whole: a cut or a pattern below could split one (a key with a
 * `-` or a `"` in it), and the logger's own scrub would then miss the half left over.
 */
export function redactBody(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  return scrubSecrets(body)
    .slice(0, 300)
    .replace(/(bearer\s+)[^\s"']+/gi, '$1[redacted]')
    .replace(/("(?:[a-z_]*key|token|secret|authorization|password)"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"')
    .replace(/\b(sk|pk|rk)_[A-Za-z0-9_]{8,}/g, '[redacted]');
}

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof CashiiError) {
    // The message is our own words (what was unusable in an answer, say), never Cashii's body.
    return { type: error.name, kind: error.kind, message: error.message, httpStatus: error.httpStatus, detail: redactBody(error.detail) };
  }
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error };
}
