/**
 * Apollo's own caches, bounded in bytes that are counted the way memory is actually held.
 *
 * Apollo Server keeps every parsed and validated document (its document store) and every
 * automatic persisted query in an LRU of 30 MiB each by default, but it sizes a parsed document
 * by the length of its JSON: a document parsed with locations keeps every token in a linked list,
 * about 350 bytes each, roughly four times what the JSON says (a 30-alias read of 1.3 KB holds
 * about 126 KiB). Distinct documents are free to send, so those stores are client-fillable: here
 * they are `lru-cache` instances with a byte budget, a per-entry cap, and a size that follows
 * what the heap holds.
 */
import type { DocumentStore } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Measured with graphql-js 16 on Node 20: a parsed token with its AST share costs 290 to 350 bytes. */
const BYTES_PER_TOKEN = 384;
const ENTRY_OVERHEAD_BYTES = 256;

/** What the heap holds for a parsed document: its tokens (when parsed with locations), else four times its JSON. */
export function documentBytes(document: DocumentNode): number {
  let tokens = 0;
  for (let token = document.loc?.startToken ?? null; token !== null; token = token.next) tokens++;
  if (tokens > 0) return ENTRY_OVERHEAD_BYTES + tokens * BYTES_PER_TOKEN;
  return ENTRY_OVERHEAD_BYTES + 4 * JSON.stringify(document).length;
}

/** Apollo's KeyValueCache over an LRU with a byte budget: an entry over `maxEntryBytes` is not kept. */
class BoundedKeyValueCache<V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, V>;

  constructor(maxBytes: number, maxEntryBytes: number, sizeOf: (value: V, key: string) => number) {
    this.lru = new LRUCache<string, V>({
      maxSize: maxBytes,
      maxEntrySize: Math.min(maxEntryBytes, maxBytes),
      sizeCalculation: (value, key) => Math.max(1, Math.ceil(sizeOf(value, key))),
    });
  }

  get(key: string): Promise<V | undefined> {
    return Promise.resolve(this.lru.get(key));
  }

  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void> {
    // Apollo's TTLs are in seconds; none means kept until evicted.
    this.lru.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : undefined);
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.lru.delete(key));
  }

  /** What the cache holds now: its number of entries and counted bytes. */
  held(): { entries: number; bytes: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}

/** Parsed and validated documents, at most `maxBytes` of them (a document over a quarter of the budget is parsed every time). */
export function boundedDocumentStore(maxBytes: number): DocumentStore & { held(): { entries: number; bytes: number } } {
  return new BoundedKeyValueCache<DocumentNode>(maxBytes, Math.ceil(maxBytes / 4), (document) => documentBytes(document));
}

/** Apollo's string cache (automatic persisted queries): 2 bytes per character of key and value. */
export function boundedStringCache(maxBytes: number): BoundedKeyValueCache<string> {
  return new BoundedKeyValueCache<string>(
    maxBytes,
    Math.ceil(maxBytes / 4),
    (value, key) => ENTRY_OVERHEAD_BYTES + 2 * (key.length + value.length),
  );
}
