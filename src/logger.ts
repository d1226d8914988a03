/** Structured JSON logs (pino). Secrets are redacted by path; the Cashii key is never logged on purpose. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', '*.apiKey', 'apiKey'],
      censor: '[redacted]',
    },
  });
}
