/**
 * Apollo's document store and persisted-query cache, as the BFF gives them to Apollo: bounded in
 * bytes counted the way the heap holds a parsed document (Apollo's default counts its JSON, about a
 * quarter of it), so a flood of distinct documents cannot grow the heap past the budget.
 */
import { parse } from 'graphql';
import { boundedDocumentStore, boundedStringCache, documentBytes } from '../../src/graphql/bounded-cache';

const attackDocument = (n: number) =>
  `query($id:ID!){${Array.from({ length: 30 }, (_, i) => `r${n}_${i}:payment(id:$id){id status metadata}`).join(' ')}}`;

describe('bounded Apollo caches', () => {
  it('sizes a parsed document by what it holds (its tokens), not by its JSON', () => {
    const document = parse(attackDocument(1));
    const json = JSON.stringify(document).length;
    // Measured: about 126 KiB of heap for this document, whose JSON is about 30 KB.
    expect(documentBytes(document)).toBeGreaterThan(3 * json);
    expect(documentBytes(document)).toBeGreaterThan(100 * 1024);
    // Without locations (no tokens kept): four times its JSON.
    const bare = parse(attackDocument(1), { noLocation: true });
    expect(documentBytes(bare)).toBeGreaterThanOrEqual(4 * JSON.stringify(bare).length);
  });

  it('keeps parsed documents within its byte budget, least recently used out, and none larger than a quarter of it', async () => {
    const budget = 1024 * 1024;
    const store = boundedDocumentStore(budget);
    const first = parse(attackDocument(0));
    await store.set('first', first);
    for (let n = 1; n < 200; n++) {
      await store.set(`doc-${n}`, parse(attackDocument(n)));
      if (n % 3 === 0) expect(await store.get('first')).toBe(first);
      expect(store.held().bytes).toBeLessThanOrEqual(budget);
    }
    expect(store.held().entries).toBeLessThan(10);
    expect(await store.get('doc-1')).toBeUndefined();
    expect(await store.get('doc-199')).toBeDefined();

    const huge = parse(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(documentBytes(huge)).toBeGreaterThan(budget / 4);
    await store.set('huge', huge);
    expect(await store.get('huge')).toBeUndefined();
  });

  it('keeps persisted queries within its byte budget (2 bytes per character)', async () => {
    const cache = boundedStringCache(64 * 1024);
    for (let n = 0; n < 1000; n++) await cache.set(`apq:${n}`, attackDocument(n));
    expect(cache.held().bytes).toBeLessThanOrEqual(64 * 1024);
    expect(await cache.get('apq:999')).toBe(attackDocument(999));
    expect(await cache.get('apq:0')).toBeUndefined();
  });
});
