/**
 * Structured JSON logs (pino). Known secret fields are redacted by path; on top of that, every
 * configured secret is scrubbed from each finished line, so a secret that reaches a log through
 * text nobody expected (an upstream body echoing the key, an error message, a stack) is still
 * never written. A line written while a request runs carries its `requestId` and `operationName`
 * (./observability/request-scope.ts), and, with OpenTelemetry set up, the active span's
 * `trace_id`, `span_id` and `trace_flags`.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequest } from './observability/request-scope';

export type { Logger };

/** Values shorter than this are not scrubbed: replacing "abc" everywhere would mangle ordinary text. */
export const MIN_SECRET_LENGTH = 6;

/** How many times a secret may have been JSON-escaped inside a line (a JSON body in a string field, logged). */
const ESCAPE_DEPTH = 3;

/** Every secret given to a logger of this process, for `scrubSecrets`. */
const knownSecrets = new Set<string>();
let scrubKnown: ((text: string) => string) | undefined;

/**
 * Readable lines for a person at a terminal (development): pino-pretty, a development dependency,
 * when it is installed; null otherwise (production installs omit it and log JSON).
 */
export function readableDestination(output: NodeJS.WritableStream = process.stdout, colorize = true): DestinationStream | null {
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: absent where dev dependencies are omitted
    pretty = require('pino-pretty') as typeof pretty;
  } catch {
    return null;
  }
  return pretty({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: output, sync: true });
}

/**
 * `destination` defaults to stdout; tests pass a stream to inspect every line. `secrets` (see
 * `secretsOf` in config) are replaced by `[redacted]` wherever they appear in a line.
 */
export function createLogger(level: string, destination?: DestinationStream, secrets: readonly string[] = []): Logger {
  const scrub = secretScrubber(secrets, 'json-line');
  if (scrub) {
    for (const secret of secrets) knownSecrets.add(secret);
    scrubKnown = secretScrubber([...knownSecrets], 'text');
  }
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', '*.apiKey', 'apiKey'],
      censor: '[redacted]',
    },
    mixin: requestFields,
    // Runs on the serialized line of this logger and its children, just before it is written.
    ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The fields of the request and trace a line is written in. Read at each line from async context,
 * so code deep in the payments module logs through its one logger and still says which request it
 * served; without an OpenTelemetry SDK there is never an active span.
 */
function requestFields(): object {
  const scope = currentRequest();
  const span = trace.getActiveSpan()?.spanContext();
  const traced = span !== undefined && isSpanContextValid(span);
  // A new object each time: pino assigns the line's own fields onto it.
  if (!scope && !traced) return {};
  return {
    ...(scope ? { requestId: scope.requestId, ...(scope.operationName ? { operationName: scope.operationName } : {}) } : {}),
    ...(traced ? { trace_id: span.traceId, span_id: span.spanId, trace_flags: `0${span.traceFlags.toString(16)}` } : {}),
  };
}

/**
 * Cuts the secrets of every logger created so far out of free text. Code that masks or shortens
 * text before logging it runs this first: a pattern or a cut could otherwise split a secret, and
 * the line scrub would no longer recognise the half that remains.
 */
export function scrubSecrets(text: string): string {
  return scrubKnown ? scrubKnown(text) : text;
}

/**
 * A function replacing every secret (in each JSON-escaped spelling) by `[redacted]`, or undefined
 * when there is nothing to scrub. `json-line` leaves a match alone right after an odd run of
 * backslashes, where its first character belongs to an escape (`\n` + "abcdef" is not "nabcdef")
 * and replacing it would break the line's JSON; `text` replaces every match.
 */
export function secretScrubber(secrets: readonly string[], mode: 'json-line' | 'text'): ((text: string) => string) | undefined {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    let spelling = secret;
    for (let depth = 0; depth <= ESCAPE_DEPTH; depth++) {
      spellings.add(spelling);
      spelling = JSON.stringify(spelling).slice(1, -1);
    }
  }
  if (spellings.size === 0) return undefined;
  // Longest first, so an escaped spelling wins over a raw one that is its prefix (a secret ending in `\`).
  const alternatives = [...spellings].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const notEscaped = mode === 'json-line' ? '(?<!(?:^|[^\\\\])(?:\\\\\\\\)*\\\\)' : '';
  const pattern = new RegExp(`${notEscaped}(?:${alternatives.join('|')})`, 'g');
  return (text) => text.replace(pattern, '[redacted]');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
