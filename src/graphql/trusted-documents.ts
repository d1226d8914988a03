/**
 * Persisted and trusted documents: the operations the frontends ship, from one or more manifests
 * (`GRAPHQL_TRUSTED_DOCUMENTS_FILE`, several files separated by commas: web, iOS, Android, ...), each in
 * either format:
 *   - `{ "sha256:<hex>": "<document>" }`: what codegen emits (client/src/gql/persisted-documents.json);
 *   - Apollo's persisted-query manifest `{ "format": "apollo-persisted-query-manifest", "version": 1,
 *     "operations": [{ "id", "name", "type", "body" }] }`: client/src/gql/persisted-query-manifest.json,
 *     and what Apollo Kotlin, Apollo iOS and @apollo/generate-persisted-query-manifest write.
 * A malformed manifest refuses the start, naming the file and these formats.
 *
 * A request may name a document by id instead of sending it: Apollo's automatic persisted queries
 * (`extensions.persistedQuery.sha256Hash`) or the GraphQL over HTTP persisted-documents appendix
 * (`documentId`). A SHA-256 id counts bare (`<hex>`) or prefixed (`sha256:<hex>`), any other id as
 * written in its manifest. A manifest id always stands in for its document. With
 * `GRAPHQL_TRUSTED_DOCUMENTS_ONLY` the server runs nothing else (mobile apps in production); a full
 * document is then accepted when it is one of the manifests' documents in any formatting: documents are
 * compared, not bytes, because Apollo Client and urql print a document their own way and add
 * `__typename` where codegen's manifest has its own.
 * Without the switch, automatic persisted queries register and run any document as usual.
 */
import type { ErrorCode } from '../common/error-codes';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { LRUCache } from 'lru-cache';
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  Lexer,
  type SelectionNode,
  Source,
  TokenKind,
  parse,
  print,
  visit,
} from 'graphql';

/** Why a request is refused before Apollo sees it: a coded GraphQL error with its HTTP status. */
export interface PersistedRefusal {
  ok: false;
  status: number;
  code: Extract<ErrorCode, 'TRUSTED_DOCUMENT_REQUIRED' | 'PERSISTED_QUERY_HASH_MISMATCH' | 'PERSISTED_QUERY_NOT_FOUND' | 'BAD_REQUEST'>;
  message: string;
}

/** `body` is what Apollo gets: the document filled in, and any id Apollo would misread removed or normalised. */
export type TrustedResult = { ok: true; body: unknown } | PersistedRefusal;

interface RequestFields {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown; [key: string]: unknown }; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * Documents compared by shape are remembered by their SHA-256: a client can send any number of
 * distinct documents, so the verdicts are bounded in bytes (a 64-character key and a boolean each,
 * counted at 2 bytes per character plus a fixed overhead), least recently used first out.
 */
export const VERDICT_CACHE_BYTES = 256 * 1024;
const VERDICT_BYTES = 2 * 64 + 128;

export class TrustedDocuments {
  private readonly byHash: ReadonlyMap<string, string>;
  /** The normalised form (see `normalise`) of each manifest document, by hash, and all of them. */
  private readonly shapeByHash: ReadonlyMap<string, string | null>;
  private readonly shapes: ReadonlySet<string>;
  /** A document with more tokens than this cannot be one of the manifest's, so it is not parsed further. */
  private readonly maxTokens: number;
  private readonly verdicts = new LRUCache<string, boolean>({ maxSize: VERDICT_CACHE_BYTES, sizeCalculation: () => VERDICT_BYTES });

  constructor(
    /** Documents by id (`sha256:<hex>`, `<hex>`, or any other id a manifest gives). */
    manifest: Record<string, string> | ReadonlyMap<string, string>,
    /** Refuse every operation that is not in the manifest. */
    readonly enforce: boolean,
  ) {
    const entries: Array<[string, string]> =
      manifest instanceof Map ? [...(manifest as ReadonlyMap<string, string>)] : Object.entries(manifest as Record<string, string>);
    this.byHash = new Map(entries.map(([key, document]) => [idKey(key), document]));
    const documents = [...this.byHash.values()];
    // Twice the largest document's tokens: room for a client's extra __typename selections, nothing like a flood.
    this.maxTokens = 2 * Math.max(0, ...documents.map(countTokens)) + 64;
    this.shapeByHash = new Map([...this.byHash].map(([hash, document]) => [hash, normalise(document, Number.MAX_SAFE_INTEGER)]));
    this.shapes = new Set([...this.shapeByHash.values()].filter((shape): shape is string => shape !== null));
  }

  /**
   * Reads the manifest files (one path, or several separated by commas), each in either format. A missing
   * file adds nothing when not enforcing (codegen may not have run yet) and refuses the start when enforcing;
   * a malformed one, or one id naming two different documents, always refuses it (`ManifestError`).
   */
  static fromFile(files: string | readonly string[], enforce: boolean): TrustedDocuments {
    const paths = (typeof files === 'string' ? files.split(',') : files).map((file) => file.trim()).filter((file) => file !== '');
    const documents = new Map<string, { document: string; file: string }>();
    for (const file of paths) {
      if (!fs.existsSync(file)) {
        if (enforce)
          throw new ManifestError(file, 'the file does not exist (run npm run codegen, or correct GRAPHQL_TRUSTED_DOCUMENTS_FILE)');
        continue;
      }
      for (const [id, document] of readManifest(file, fs.readFileSync(file, 'utf8'))) {
        const key = idKey(id);
        const earlier = documents.get(key);
        if (earlier !== undefined && earlier.document !== document) {
          throw new ManifestError(file, `the id ${shown(id)} names another document in ${earlier.file}`);
        }
        documents.set(key, { document, file });
      }
    }
    return new TrustedDocuments(new Map([...documents].map(([key, { document }]) => [key, document])), enforce);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The manifest's documents (one per id: a document sent under two ids appears twice). */
  documents(): IterableIterator<string> {
    return this.byHash.values();
  }

  /** What the remembered verdicts hold now: their number and counted bytes. */
  held(): { entries: number; bytes: number } {
    return { entries: this.verdicts.size, bytes: this.verdicts.calculatedSize };
  }

  /**
   * Resolves a request body (POST JSON, a GET's parameters or a graphql-ws subscribe payload):
   * fills in the document of a known id, checks that a document sent with an id matches it, and,
   * when enforcing, refuses anything that is not a manifest document.
   */
  resolve(body: unknown): TrustedResult {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: true, body };
    const request = body as RequestFields;
    const query = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    const id = idOf(request);
    if (id === null) {
      if (!this.enforce) return { ok: true, body };
      if (query !== undefined && this.isTrusted(query)) return { ok: true, body };
      return refuse(400, 'TRUSTED_DOCUMENT_REQUIRED', 'Only trusted documents are accepted here');
    }
    if (id.kind === 'invalid') return refuse(400, 'BAD_REQUEST', id.problem);

    const known = this.byHash.get(id.key);
    if (query !== undefined && id.hash !== sha256(query) && !(known !== undefined && this.sameDocument(query, id.key))) {
      return refuse(400, 'PERSISTED_QUERY_HASH_MISMATCH', `The document sent does not match its id (${shown(id.raw)})`);
    }
    if (known !== undefined) return { ok: true, body: { ...withoutId(request), query: query ?? known } };
    if (this.enforce) {
      if (query !== undefined && this.isTrusted(query)) return { ok: true, body: withoutId(request) };
      return refuse(400, 'TRUSTED_DOCUMENT_REQUIRED', 'Only trusted documents are accepted, and this one is not known');
    }
    if (id.kind === 'documentId') {
      if (query !== undefined) return { ok: true, body: withoutId(request) };
      return refuse(404, 'PERSISTED_QUERY_NOT_FOUND', `No persisted document has the id ${shown(id.raw)}`);
    }
    // Automatic persisted queries: Apollo registers or looks up the bare hash (it compares it with its own).
    const persistedQuery = { ...request.extensions!.persistedQuery, sha256Hash: id.hash ?? id.raw };
    return { ok: true, body: { ...request, extensions: { ...request.extensions, persistedQuery } } };
  }

  /** Whether `query` is one of the manifest's documents, however it is formatted. */
  private isTrusted(query: string): boolean {
    const hash = sha256(query);
    if (this.byHash.has(hash)) return true;
    const cached = this.verdicts.get(hash);
    if (cached !== undefined) return cached;
    const shape = normalise(query, this.maxTokens);
    const verdict = shape !== null && this.shapes.has(shape);
    this.verdicts.set(hash, verdict);
    return verdict;
  }

  /** Whether `query` is the manifest document with this id, however it is formatted. */
  private sameDocument(query: string, key: string): boolean {
    const shape = normalise(query, this.maxTokens);
    return shape !== null && shape === this.shapeByHash.get(key);
  }
}

/** A manifest that cannot be used: the message names the file, what is wrong and the formats expected. */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `Trusted documents manifest ${file} (GRAPHQL_TRUSTED_DOCUMENTS_FILE): ${problem}. Expected either ` +
        '{ "sha256:<hex>": "<document>", ... } (codegen\'s persisted-documents.json) or Apollo\'s persisted-query manifest ' +
        '{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }',
    );
    this.name = 'ManifestError';
  }
}

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

/** The documents of one manifest file, by id, in either format; `ManifestError` when it is neither. */
export function readManifest(file: string, text: string): Map<string, string> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, `it is not JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw new ManifestError(file, 'it is not a JSON object');
  const documents = new Map<string, string>();
  const byKey = new Map<string, string>();
  const add = (id: unknown, document: unknown, where: string) => {
    if (typeof id !== 'string' || id.trim() === '') throw new ManifestError(file, `${where}: the id must be a non-empty string`);
    if (typeof document !== 'string' || document.trim() === '') {
      throw new ManifestError(file, `${where}: the document must be a non-empty string`);
    }
    if (normalise(document, Number.MAX_SAFE_INTEGER) === null) throw new ManifestError(file, `${where}: the document is not valid GraphQL`);
    const earlier = byKey.get(idKey(id));
    if (earlier !== undefined && earlier !== document)
      throw new ManifestError(file, `${where}: the id ${shown(id)} names two different documents`);
    byKey.set(idKey(id), document);
    documents.set(id, document);
  };
  if ('format' in manifest || 'operations' in manifest) {
    const { format, version, operations } = manifest as { format?: unknown; version?: unknown; operations?: unknown };
    if (format !== 'apollo-persisted-query-manifest') throw new ManifestError(file, `"format" is ${JSON.stringify(format)}`);
    if (version !== 1) throw new ManifestError(file, `"version" is ${JSON.stringify(version)}, and only version 1 is known`);
    if (!Array.isArray(operations)) throw new ManifestError(file, '"operations" is not an array');
    operations.forEach((operation: unknown, index) => {
      const where = `operations[${index}]`;
      if (typeof operation !== 'object' || operation === null) throw new ManifestError(file, `${where} is not an object`);
      const { id, name, type, body } = operation as Record<string, unknown>;
      if (typeof name !== 'string' || name === '') throw new ManifestError(file, `${where}: "name" must be the operation's name`);
      if (typeof type !== 'string' || !OPERATION_TYPES.has(type)) {
        throw new ManifestError(file, `${where}: "type" must be query, mutation or subscription`);
      }
      add(id, body, `${where} (${name})`);
    });
    return documents;
  }
  for (const [id, document] of Object.entries(manifest)) add(id, document, `the entry ${JSON.stringify(shown(id))}`);
  return documents;
}

type DocumentId =
  | {
      kind: 'apq' | 'documentId';
      raw: string;
      /** lower-case hex of a SHA-256 id, null for any other kind of id */
      hash: string | null;
      /** how manifests are looked up: the hex of a SHA-256 id, else the id as sent */
      key: string;
    }
  | { kind: 'invalid'; problem: string };

function idOf(request: RequestFields): DocumentId | null {
  const persistedQuery: unknown = request.extensions?.persistedQuery;
  if (persistedQuery !== undefined && persistedQuery !== null) {
    // Apollo would answer a malformed one with an uncoded error (INTERNAL_SERVER_ERROR): refuse it here.
    const { version, sha256Hash } = persistedQuery as { version?: unknown; sha256Hash?: unknown };
    if (version !== 1 || typeof sha256Hash !== 'string' || sha256Hash === '') {
      return { kind: 'invalid', problem: '`extensions.persistedQuery` must be { "version": 1, "sha256Hash": "<hex>" }' };
    }
    return { kind: 'apq', raw: sha256Hash, hash: bareHash(sha256Hash), key: idKey(sha256Hash) };
  }
  if (request.documentId === undefined || request.documentId === null) return null;
  if (typeof request.documentId !== 'string' || request.documentId === '') {
    return { kind: 'invalid', problem: '`documentId` must be a non-empty string such as sha256:<hex>' };
  }
  return { kind: 'documentId', raw: request.documentId, hash: bareHash(request.documentId), key: idKey(request.documentId) };
}

/** The key a manifest id and a request's id meet at: a SHA-256 id as lower-case hex, any other id as it is. */
function idKey(id: string): string {
  return bareHash(id) ?? id;
}

/** `sha256:<hex>` or `<hex>` (64 hex digits, any case) as lower-case hex; null for anything else. */
function bareHash(id: string): string | null {
  const match = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(id);
  return match ? match[1].toLowerCase() : null;
}

/** A client's id as quoted back in a message: never more than a hash's length of it. */
function shown(id: string): string {
  return id.length > 80 ? `${id.slice(0, 80)}...` : id;
}

/** The request without the id (Apollo would compare an APQ hash with the document it now holds). */
function withoutId(request: RequestFields): RequestFields {
  const { documentId: _documentId, ...rest } = request;
  if (rest.extensions?.persistedQuery === undefined) return rest;
  const { persistedQuery: _persistedQuery, ...extensions } = rest.extensions;
  return { ...rest, extensions };
}

function refuse(status: number, code: PersistedRefusal['code'], message: string): PersistedRefusal {
  return { ok: false, status, code, message };
}

/**
 * A document's shape for comparison: parsed, unaliased `__typename` selections removed, and
 * definitions, selections, arguments, variables and object fields in a fixed order, printed.
 * Two documents with the same shape select the same fields with the same arguments; only where
 * `__typename` appears and the order of keys in the response differ. Null when it does not parse
 * (or has more than `maxTokens` tokens).
 */
export function normalise(source: string, maxTokens: number): string | null {
  let document: DocumentNode;
  try {
    document = parse(source, { noLocation: true, maxTokens });
  } catch {
    return null;
  }
  const normalised = visit(document, {
    Field: {
      leave: (node) =>
        isPlainTypename(node) ? null : { ...node, arguments: node.arguments && sortedBy(node.arguments, (a) => a.name.value) },
    },
    SelectionSet: { leave: (node) => ({ ...node, selections: sortedBy<SelectionNode>(node.selections, print) }) },
    OperationDefinition: {
      leave: (node) => ({ ...node, variableDefinitions: node.variableDefinitions && sortedBy(node.variableDefinitions, print) }),
    },
    Directive: { leave: (node) => ({ ...node, arguments: node.arguments && sortedBy(node.arguments, (a) => a.name.value) }) },
    ObjectValue: { leave: (node) => ({ ...node, fields: sortedBy(node.fields, (f) => f.name.value) }) },
    Document: { leave: (node) => ({ ...node, definitions: sortedBy(node.definitions, print) }) },
  });
  return print(normalised);
}

function isPlainTypename(node: FieldNode): boolean {
  return node.name.value === '__typename' && node.alias === undefined && (node.directives?.length ?? 0) === 0;
}

function sortedBy<T extends ASTNode>(nodes: readonly T[], key: (node: T) => string): T[] {
  return nodes
    .map((node) => ({ node, key: key(node) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ node }) => node);
}

function countTokens(document: string): number {
  const lexer = new Lexer(new Source(document));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // a manifest document that does not lex cannot match anything anyway
  }
  return count;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
