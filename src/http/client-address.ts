/** Who is calling, as far as the HTTP layer can tell (for rate limits). */
import type { IncomingMessage } from 'node:http';

/**
 * The client's address. Behind a trusted proxy it is the LAST X-Forwarded-For entry: the one
 * that proxy appended. Entries to its left come from the client and can be forged.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}
