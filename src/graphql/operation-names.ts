/**
 * The operation names a metric label may take: the names of the operations in the trusted-document
 * manifests (the documents the frontends and the back office ship), and `other` for anything else,
 * so a client sending made-up names cannot grow the metrics without bound.
 */
import fs from 'node:fs';
import { Kind, parse } from 'graphql';

/** The label of every operation that is not one of the known documents. */
export const OTHER_OPERATION = 'other';

export class OperationNames {
  private constructor(private readonly known: ReadonlySet<string>) {}

  /**
   * Reads the names from manifest files, in either format: ours (`{ "sha256:<hex>": "<document>" }`)
   * or Apollo's (`{ "format": "apollo-persisted-query-manifest", "operations": [{ "name", "body" }] }`).
   * A missing or unreadable file adds no names: the label is then `other`, and the trusted-documents
   * loader is the one that refuses a broken manifest at start. `files` as GRAPHQL_TRUSTED_DOCUMENTS_FILE
   * gives them: one path, or several separated by commas.
   */
  static fromManifests(files: string | readonly string[]): OperationNames {
    const paths = (typeof files === 'string' ? files.split(',') : files).map((file) => file.trim()).filter((file) => file !== '');
    const names = new Set<string>();
    for (const file of paths) {
      for (const name of namesIn(readJson(file))) names.add(name);
    }
    return new OperationNames(names);
  }

  static of(names: Iterable<string>): OperationNames {
    return new OperationNames(new Set(names));
  }

  /** The metric label of an operation: its name when it is a known one, else `other`. */
  label(name: string | null | undefined): string {
    return name != null && this.known.has(name) ? name : OTHER_OPERATION;
  }

  get size(): number {
    return this.known.size;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

function namesIn(manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { operations } = manifest as { operations?: unknown };
  if (Array.isArray(operations)) {
    return operations.flatMap((entry) => {
      const { name, body } = (entry ?? {}) as { name?: unknown; body?: unknown };
      if (typeof name === 'string') return [name];
      return typeof body === 'string' ? operationNamesOf(body) : [];
    });
  }
  return Object.values(manifest).flatMap((document) => (typeof document === 'string' ? operationNamesOf(document) : []));
}

function operationNamesOf(document: string): string[] {
  try {
    return parse(document, { noLocation: true }).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    );
  } catch {
    return [];
  }
}
