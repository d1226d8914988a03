/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750, section 3): a client that sent a bearer
 * token learns that this token was refused (`error="invalid_token"`, with the reason in
 * `error_description`); a client that sent none (or another scheme) gets the bare challenge,
 * which tells it a bearer token is what to send.
 */

/** The realm named in challenges of the GraphQL API. */
export const API_REALM = 'cashii-bff';

/** The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive), or null. */
export function bearerTokenOf(authorization: string | undefined): string | null {
  // Scanned by hand in one pass: a backtracking pattern here cost 100 ms of event loop for a 16 KB header of spaces.
  const header = authorization ?? '';
  if (header.length < 8 || header.slice(0, 6).toLowerCase() !== 'bearer' || header[6] !== ' ') return null;
  let start = 7;
  while (header[start] === ' ') start++;
  let end = header.length;
  while (end > start && header[end - 1] === ' ') end--;
  return end > start ? header.slice(start, end) : null;
}

export function bearerChallenge(authorization: string | undefined, description: string, realm = API_REALM): string {
  if (bearerTokenOf(authorization) === null) return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="invalid_token", error_description="${quotable(description)}"`;
}

/** RFC 6750 allows %x20-21 / %x23-5B / %x5D-7E in error_description: no quote, no backslash, ASCII only. */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}
