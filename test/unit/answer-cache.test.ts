/**
 * The answer cache is bounded in bytes: any client fills it (distinct aliases make distinct keys),
 * so the kept answers together never hold more than the budget, the least recently used go first,
 * and an answer over the per-entry cap is shared with the requests waiting for it but never kept.
 */
import { AnswerCache, type AnswerStamp, type CachedAnswer, entryBytes } from '../../src/graphql/answer-cache';

const SHAPE = { rootFields: new Set(['payment']), leafFields: new Set(['id', 'status', 'metadata']) };
const VIEWER = { id: 'guest-1' };
const VERSION = 'v1';

function cacheWith(maxBytes: number, maxEntryBytes: number, maxEntries = 10_000): AnswerCache {
  return new AnswerCache({
    shape: SHAPE,
    versionsOf: (keys) => Promise.resolve(new Map(keys.map((key) => [key, VERSION]))),
    maxEntries,
    maxBytes,
    maxEntryBytes,
    maxAgeMs: 60_000,
    parseOptions: { maxTokens: 2000 },
  });
}

/** A distinct cacheable read (its own alias), executed and finished with an answer of `bodyLength` characters. */
function execute(cache: AnswerCache, n: number, bodyLength: number): { key: string; answer: CachedAnswer; stamps: AnswerStamp[] } {
  const query = `query($id:ID!){r${n}:payment(id:$id){id status metadata}}`;
  const key = cache.keyFor(VIEWER, 'application/json', { query, variables: { id: '1234567890123456' } });
  if (key === null) throw new Error('the read should be cacheable');
  const prefix = `{"data":{"r${n}":{"id":"1234567890123456","status":"PAID","metadata":{"blob":"`;
  const suffix = '"}}}}';
  const body = prefix + 'x'.repeat(Math.max(0, bodyLength - prefix.length - suffix.length)) + suffix;
  const answer: CachedAnswer = { status: 200, headers: [['content-type', 'application/json']], body };
  const stamps: AnswerStamp[] = [{ key: '1234567890123456', version: VERSION, until: Date.now() + 60_000 }];
  expect(cache.begin(key)).toBe(true);
  cache.finish(key, query, { stamps }, answer);
  return { key, answer, stamps };
}

describe('answer cache bounds', () => {
  it('does not keep an answer over the per-entry cap, and keeps one under it', async () => {
    const cache = cacheWith(1024 * 1024, 16 * 1024);
    const big = execute(cache, 1, 12_000); // 24,000 counted bytes: over 16 KiB
    const small = execute(cache, 2, 2_000);
    expect(entryBytes(big.key, big.answer, big.stamps)).toBeGreaterThan(16 * 1024);
    expect(await cache.lookup(big.key)).toBeNull();
    expect(await cache.lookup(small.key)).toMatchObject({ body: small.answer.body });
    expect(cache.held()).toEqual({ entries: 1, bytes: entryBytes(small.key, small.answer, small.stamps) });
  });

  it('never holds more than its byte budget, however many distinct answers arrive; the least recently used go first', async () => {
    const budget = 256 * 1024;
    const cache = cacheWith(budget, 64 * 1024);
    const first = execute(cache, 0, 20_000);
    let heldMost = 0;
    for (let n = 1; n < 500; n++) {
      execute(cache, n, 20_000);
      // The first answer is read now and then: it stays while older ones go.
      if (n % 5 === 0) expect(await cache.lookup(first.key)).not.toBeNull();
      heldMost = Math.max(heldMost, cache.held().bytes);
    }
    expect(heldMost).toBeLessThanOrEqual(budget);
    const held = cache.held();
    expect(held.entries).toBeGreaterThan(3);
    expect(held.entries).toBeLessThan(10); // about 40 KB each: 6 fit in 256 KiB
    expect(await cache.lookup(first.key)).not.toBeNull();
    // Only the newest answers are still there.
    let kept = 0;
    for (let n = 1; n < 500; n++) {
      const query = `query($id:ID!){r${n}:payment(id:$id){id status metadata}}`;
      const key = cache.keyFor(VIEWER, 'application/json', { query, variables: { id: '1234567890123456' } })!;
      if ((await cache.lookup(key)) !== null) {
        kept++;
        expect(n).toBeGreaterThan(490);
      }
    }
    expect(kept).toBe(held.entries - 1);
  });

  it('shares an answer over the cap with the identical request that waited for it, without keeping it', async () => {
    const cache = cacheWith(1024 * 1024, 16 * 1024);
    const query = 'query($id:ID!){big:payment(id:$id){id status metadata}}';
    const key = cache.keyFor(VIEWER, 'application/json', { query, variables: { id: '1234567890123456' } })!;
    expect(cache.begin(key)).toBe(true);
    const waiting = cache.join(key);
    const body = `{"data":{"big":{"id":"1234567890123456","status":"PAID","metadata":{"blob":"${'y'.repeat(20_000)}"}}}}`;
    const answer: CachedAnswer = { status: 200, headers: [], body };
    cache.finish(key, query, { stamps: [{ key: '1234567890123456', version: VERSION, until: Date.now() + 60_000 }] }, answer);
    expect((await waiting)?.body).toBe(body);
    expect(await cache.lookup(key)).toBeNull();
    expect(cache.held().bytes).toBe(0);
  });
});
