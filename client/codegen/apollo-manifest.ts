/**
 * A GraphQL Code Generator plugin that writes Apollo's persisted-query manifest
 * (`{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, name, type, body }] }`),
 * the format Apollo Kotlin, Apollo iOS, GraphOS and `@apollo/persisted-query-lists` read.
 *
 * Each body is what Apollo Client 4 sends for the operation, computed the way
 * `@apollo/generate-persisted-query-manifest` computes it: every operation file goes through a real
 * `ApolloClient` whose cache knows every fragment (a fragment registry), so it adds `__typename`
 * and the fragments the operation spreads, and a terminating link takes the document that would
 * be sent, printed with its operation first and fragments by name (`sortTopLevelDefinitions`). The id
 * is the SHA-256 (hex) of that body, Apollo's default. Operations are sorted by name in code-unit order, as Apollo's tool does.
 * `test/integration/apollo-manifest.test.ts` runs Apollo's own tool on `client/operations/` and
 * compares.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, InMemoryCache, Observable } from '@apollo/client';
import { createFragmentRegistry } from '@apollo/client/cache';
import { LocalState } from '@apollo/client/local-state';
import { sortTopLevelDefinitions } from '@apollo/persisted-query-lists';
import { type DocumentNode, Kind, type OperationDefinitionNode, OperationTypeNode, print } from 'graphql';
import type { CodegenPlugin, PluginFunction, PluginValidateFn, Types } from '@graphql-codegen/plugin-helpers';

export interface ApolloManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface ApolloManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ApolloManifestOperation[];
}

function operationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  return document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/** The manifest of these documents (one operation per document; fragments may live in any of them). */
export async function apolloManifest(documents: DocumentNode[]): Promise<ApolloManifest> {
  const operations: ApolloManifestOperation[] = [];
  const client = new ApolloClient({
    cache: new InMemoryCache({ fragments: createFragmentRegistry(...documents) }),
    localState: new LocalState(),
    link: new ApolloLink((operation) => {
      const body = print(sortTopLevelDefinitions(operation.query));
      operations.push({
        id: createHash('sha256').update(body).digest('hex'),
        name: operation.operationName!,
        type: operationOf(operation.query)!.operation,
        body,
      });
      return new Observable((observer) => {
        observer.next({ data: null });
        observer.complete();
      });
    }),
  });
  const byName = documents
    .map((document) => ({ document, operation: operationOf(document) }))
    .filter((entry): entry is { document: DocumentNode; operation: OperationDefinitionNode } => entry.operation !== undefined)
    .sort((a, b) => (a.operation.name!.value < b.operation.name!.value ? -1 : a.operation.name!.value > b.operation.name!.value ? 1 : 0));
  for (const { document, operation } of byName) {
    if (operation.operation === OperationTypeNode.QUERY) await client.query({ query: document, fetchPolicy: 'no-cache' });
    else if (operation.operation === OperationTypeNode.MUTATION) await client.mutate({ mutation: document, fetchPolicy: 'no-cache' });
    else {
      await new Promise<void>((resolve, reject) => {
        const subscription = client.subscribe({ query: document, fetchPolicy: 'no-cache' }).subscribe({
          next: () => {
            subscription.unsubscribe();
            resolve();
          },
          error: reject,
          complete: resolve,
        });
      });
    }
  }
  client.stop();
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export const plugin: PluginFunction<Record<string, never>, string> = async (_schema, documents) => {
  const manifest = await apolloManifest(documents.flatMap((file) => (file.document ? [file.document] : [])));
  // As Apollo's tool writes it.
  return JSON.stringify(manifest, null, 2);
};

export const validate: PluginValidateFn = (_schema, documents: Types.DocumentFile[]) => {
  const names = new Set<string>();
  for (const file of documents) {
    const operations = (file.document?.definitions ?? []).filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    // Apollo's tools (and generatePersistedQueryIdsFromManifest) take one named operation per document.
    if (operations.length > 1) throw new Error(`apollo-manifest: ${file.location} declares ${operations.length} operations: one per file`);
    const name = operations[0]?.name?.value;
    if (operations.length === 1 && !name) throw new Error(`apollo-manifest: the operation in ${file.location} needs a name`);
    if (name && names.has(name)) throw new Error(`apollo-manifest: two operations are named ${name}`);
    if (name) names.add(name);
  }
};

const apolloManifestPlugin: CodegenPlugin = { plugin, validate };
export default apolloManifestPlugin;
