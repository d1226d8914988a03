// The shipped client's read operations, as Apollo Client 4's HttpLink sends them: the bodies of
// Apollo's persisted-query manifest (client/src/gql/persisted-query-manifest.json: fragment
// PaymentFields, __typename everywhere, events, formattedAmount(locale)), in a POST JSON body
// {operationName, variables, extensions, query} with HttpLink's default client-library extension.
import fs from 'node:fs';
import path from 'node:path';

export const MANIFEST_PATH = path.resolve(__dirname, '..', 'client', 'src', 'gql', 'persisted-query-manifest.json');

/** The operations the client rows send, and the create the population is seeded with. */
export type ClientOperation = 'Payment' | 'Order' | 'Payments' | 'CreateRemotePayment';

interface ManifestOperation {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly body: string;
}

interface Manifest {
  readonly format: string;
  readonly operations: readonly ManifestOperation[];
}

let manifest: Manifest | null = null;

function operation(name: ClientOperation): ManifestOperation {
  manifest ??= JSON.parse(fs.readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;
  if (manifest.format !== 'apollo-persisted-query-manifest') throw new Error(`${MANIFEST_PATH} is not an Apollo persisted-query manifest`);
  const found = manifest.operations.find((op) => op.name === name);
  if (!found) throw new Error(`${MANIFEST_PATH} has no operation ${name}`);
  return found;
}

/** The version of @apollo/client installed: HttpLink sends it in `extensions.clientLibrary`. */
const APOLLO_CLIENT_VERSION = ((): string => {
  try {
    const file = require.resolve('@apollo/client/package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '4';
  }
})();

/** The document text of a client operation, exactly as the manifest has it. */
export const documentOf = (name: ClientOperation): string => operation(name).body;

/**
 * The POST body Apollo Client sends for `name` with `variables`. Every variable is given, `$locale`
 * included: graphql-jit (M) answers an omitted non-null variable that has a default with an error
 * once the document is compiled, so the defaults are sent as values to every contender.
 */
export function clientBody(name: ClientOperation, variables: Record<string, unknown>): string {
  return JSON.stringify({
    operationName: name,
    variables,
    extensions: { clientLibrary: { name: '@apollo/client', version: APOLLO_CLIENT_VERSION } },
    query: documentOf(name),
  });
}
