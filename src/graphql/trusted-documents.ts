/**
 * Persisted and trusted documents: the operations the frontends ship, by SHA-256, from the manifest
 * that codegen emits (client/src/gql/persisted-documents.json, keys `sha256:<hex>`).
 *
 * A request may name a document by id instead of sending it: Apollo's automatic persisted queries
 * (`extensions.persistedQuery.sha256Hash`) or the GraphQL over HTTP persisted-documents appendix
 * (`documentId`), each with the id bare (`<hex>`) or prefixed (`sha256:<hex>`). A manifest id
 * always stands in for its document. With `GRAPHQL_TRUSTED_DOCUMENTS_ONLY` the server runs nothing
 * else (mobile apps in production); a full document is then accepted when it is one of the
 * manifest's documents in any formatting: documents are compared, not bytes, because Apollo Client
 * and urql print a document their own way and add `__typename` where codegen's manifest has its own.
 * Without the switch, automatic persisted queries register and run any document as usual.
 */
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
  code: 'TRUSTED_DOCUMENT_REQUIRED' | 'PERSISTED_QUERY_HASH_MISMATCH' | 'PERSISTED_QUERY_NOT_FOUND' | 'BAD_REQUEST';
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
    manifest: Record<string, string>,
    /** Refuse every operation that is not in the manifest. */
    readonly enforce: boolean,
  ) {
    this.byHash = new Map(Object.entries(manifest).map(([key, document]) => [bareHash(key) ?? key, document]));
    const documents = [...this.byHash.values()];
    // Twice the largest document's tokens: room for a client's extra __typename selections, nothing like a flood.
    this.maxTokens = 2 * Math.max(0, ...documents.map(countTokens)) + 64;
    this.shapeByHash = new Map([...this.byHash].map(([hash, document]) => [hash, normalise(document, Number.MAX_SAFE_INTEGER)]));
    this.shapes = new Set([...this.shapeByHash.values()].filter((shape): shape is string => shape !== null));
  }

  /** Reads a manifest file (`{ "sha256:<hex>": "<document>" }`); a missing file gives an empty manifest. */
  static fromFile(file: string, enforce: boolean): TrustedDocuments {
    if (!fs.existsSync(file)) return new TrustedDocuments({}, enforce);
    return new TrustedDocuments(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>, enforce);
  }

  get size(): number {
    return this.byHash.size;
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

    const known = id.hash === null ? undefined : this.byHash.get(id.hash);
    if (query !== undefined && id.hash !== sha256(query) && !(known !== undefined && this.sameDocument(query, id.hash!))) {
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

  /** Whether `query` is the manifest document with this hash, however it is formatted. */
  private sameDocument(query: string, hash: string): boolean {
    const shape = normalise(query, this.maxTokens);
    return shape !== null && shape === this.shapeByHash.get(hash);
  }
}

type DocumentId =
  | { kind: 'apq' | 'documentId'; raw: string; /** lower-case hex of a SHA-256 id, null for any other kind of id */ hash: string | null }
  | { kind: 'invalid'; problem: string };

function idOf(request: RequestFields): DocumentId | null {
  const persistedQuery: unknown = request.extensions?.persistedQuery;
  if (persistedQuery !== undefined && persistedQuery !== null) {
    // Apollo would answer a malformed one with an uncoded error (INTERNAL_SERVER_ERROR): refuse it here.
    const { version, sha256Hash } = persistedQuery as { version?: unknown; sha256Hash?: unknown };
    if (version !== 1 || typeof sha256Hash !== 'string' || sha256Hash === '') {
      return { kind: 'invalid', problem: '`extensions.persistedQuery` must be { "version": 1, "sha256Hash": "<hex>" }' };
    }
    return { kind: 'apq', raw: sha256Hash, hash: bareHash(sha256Hash) };
  }
  if (request.documentId === undefined || request.documentId === null) return null;
  if (typeof request.documentId !== 'string' || request.documentId === '') {
    return { kind: 'invalid', problem: '`documentId` must be a non-empty string such as sha256:<hex>' };
  }
  return { kind: 'documentId', raw: request.documentId, hash: bareHash(request.documentId) };
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
