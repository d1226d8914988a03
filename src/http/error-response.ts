/**
 * What the HTTP layer answers by itself (bad JSON, an empty body, 413, 415, 405, a refused or
 * mismatched persisted document...): a GraphQL response with one coded error, in the media type
 * the client accepted, as GraphQL over HTTP asks. Apollo Client 4 and urql then read
 * `errors[0].extensions.code` from it whatever the status (for `application/graphql-response+json`
 * at any status; for `application/json`, Apollo Client keeps the body on its `ServerError`).
 */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
export const APPLICATION_JSON = 'application/json; charset=utf-8';

/**
 * The media type to answer in, chosen as Apollo Server chooses it for its own errors:
 * `application/graphql-response+json` when the Accept header prefers it, else `application/json`
 * (no Accept, `*` / `*`, or neither acceptable).
 */
export function mediaTypeFor(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === '') return APPLICATION_JSON;
  const ranges = accept.split(',').map((part, index) => {
    const [range, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return { range, q: Number.isFinite(weight) ? weight : 0, index };
  });
  const score = (type: string) => {
    const [main] = type.split('/');
    let best: { q: number; specificity: number; index: number } | null = null;
    for (const { range, q, index } of ranges) {
      const specificity = range === type ? 3 : range === `${main}/*` ? 2 : range === '*/*' ? 1 : 0;
      if (specificity > 0 && (best === null || specificity > best.specificity)) best = { q, specificity, index };
    }
    return best;
  };
  const json = score('application/json');
  const graphql = score('application/graphql-response+json');
  if (graphql === null || graphql.q <= 0) return APPLICATION_JSON;
  if (json === null || json.q <= 0) return GRAPHQL_RESPONSE_JSON;
  // Ties go to application/json, as in Apollo Server: higher weight, then the more specific range, then Accept's order.
  const prefersGraphql =
    graphql.q !== json.q
      ? graphql.q > json.q
      : graphql.specificity !== json.specificity
        ? graphql.specificity > json.specificity
        : graphql.index < json.index;
  return prefersGraphql ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}

/** The body of a GraphQL response holding one coded error. */
export function graphQLErrorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}
