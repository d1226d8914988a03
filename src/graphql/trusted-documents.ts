/**
 * Trusted documents: the operations the frontends ship, by SHA-256, from the manifest that codegen
 * emits (client/src/gql/persisted-documents.json). With `GRAPHQL_TRUSTED_DOCUMENTS_ONLY` the
 * server runs nothing else (mobile apps in production); without it, a hash from the manifest still
 * stands in for its document and automatic persisted queries work as usual.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export type TrustedResult = { ok: true; body: unknown } | { ok: false; message: string };

export class TrustedDocuments {
  private readonly byHash: ReadonlyMap<string, string>;

  constructor(
    manifest: Record<string, string>,
    /** Refuse every operation that is not in the manifest. */
    readonly enforce: boolean,
  ) {
    // codegen writes keys as `sha256:<hex>`; clients send the bare hex (APQ) or either form (documentId).
    this.byHash = new Map(Object.entries(manifest).map(([key, document]) => [key.replace(/^sha256:/, ''), document]));
  }

  /** Reads a manifest file (`{ "<sha256>": "<document>" }`); a missing file gives an empty manifest. */
  static fromFile(file: string, enforce: boolean): TrustedDocuments {
    if (!fs.existsSync(file)) return new TrustedDocuments({}, enforce);
    return new TrustedDocuments(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>, enforce);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Fills in the document of a known hash; when enforcing, refuses anything not in the manifest. */
  resolve(body: unknown): TrustedResult {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: true, body };
    const request = body as { query?: unknown; documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
    const hash = hashOf(request);
    if (hash !== null) {
      const document = this.byHash.get(hash);
      if (document !== undefined) return { ok: true, body: { ...request, query: document } };
      if (this.enforce) return { ok: false, message: 'Only trusted documents are accepted, and this one is not known' };
      return { ok: true, body };
    }
    if (!this.enforce) return { ok: true, body };
    if (typeof request.query === 'string' && this.byHash.has(sha256(request.query))) return { ok: true, body };
    return { ok: false, message: 'Only trusted documents are accepted here' };
  }
}

function hashOf(request: { documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } }): string | null {
  const fromApq = request.extensions?.persistedQuery?.sha256Hash;
  if (typeof fromApq === 'string') return fromApq;
  if (typeof request.documentId === 'string') return request.documentId.replace(/^sha256:/, '');
  return null;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
