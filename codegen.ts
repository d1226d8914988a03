/**
 * GraphQL Code Generator: the frontends' typed client from the committed contract (`schema.graphql`,
 * never a running server) and the operations in `client/operations/`. `npm run codegen` writes
 *   client/src/gql/            typed documents (client preset), persisted-documents.json (`{ "sha256:<hex>": "<document>" }`)
 *                              and persisted-query-manifest.json (Apollo's format, client/codegen/apollo-manifest.ts)
 *   client/src/hooks.ts        named Apollo Client 4 hooks (client/codegen/named-hooks.ts)
 *   client/src/error-codes.ts  the server's error codes (src/common/error-codes.ts) and isErrorCode (client/codegen/error-codes.ts)
 * CODEGEN_OUTPUT_DIR writes the same files under another folder (the staleness test uses it).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform, preset as clientPreset } from '@graphql-codegen/client-preset';
import apolloManifest from './client/codegen/apollo-manifest';
import errorCodes, { type ErrorCodesConfig } from './client/codegen/error-codes';
import namedHooks, { type NamedHooksConfig } from './client/codegen/named-hooks';

const out = (process.env.CODEGEN_OUTPUT_DIR ?? 'client/src').replace(/\/$/, '');
const NAMED_HOOKS = 'cashii-named-hooks';
const ERROR_CODES = 'cashii-error-codes';
const APOLLO_MANIFEST = 'cashii-apollo-manifest';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['client/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  // The in-repository plugin is TypeScript: hand it over directly instead of resolving a package.
  pluginLoader: (name) => {
    if (name === NAMED_HOOKS) return namedHooks;
    if (name === ERROR_CODES) return errorCodes;
    if (name === APOLLO_MANIFEST) return apolloManifest;
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  },
  generates: {
    [`${out}/gql/`]: {
      preset: clientPreset,
      presetConfig: {
        fragmentMasking: false,
        // The manifest of trusted documents for the server and the mobile apps: { "sha256:<hex>": "<document>" }.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      // __typename in every selection, as Apollo Client and urql add it: the documents in the
      // manifest are then exactly what those clients send, and their caches can normalise.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        // Relative imports end in `.js`: the package's ESM build then runs in Node as well as in bundlers.
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: {
          ID: 'string',
          SafeInt: 'number',
          DateTimeISO: 'string',
          JSONObject: 'Record<string, unknown>',
        },
      },
    },
    // The same operations in Apollo's persisted-query manifest format, ids as Apollo's tools compute them
    // (SHA-256 of the document as Apollo Client 4 prints and sends it): for Apollo's PersistedQueryLink
    // with generatePersistedQueryIdsFromManifest, Apollo Kotlin / iOS and GraphOS.
    [`${out}/gql/persisted-query-manifest.json`]: { plugins: [APOLLO_MANIFEST] },
    [`${out}/hooks.ts`]: {
      plugins: [{ [NAMED_HOOKS]: { documentsModule: './gql/graphql.js', formatAs: 'client/src/hooks.ts' } satisfies NamedHooksConfig }],
    },
    // From the server's one list (src/common/error-codes.ts), not the schema: error codes are not part of the GraphQL schema.
    [`${out}/error-codes.ts`]: {
      plugins: [{ [ERROR_CODES]: { formatAs: 'client/src/error-codes.ts' } satisfies ErrorCodesConfig }],
    },
  },
};

export default config;
