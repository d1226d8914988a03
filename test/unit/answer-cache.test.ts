/**
 * The answer cache's own rules, without a server: bounded in bytes (in all, and per answer), kept
 * only from fully recorded clean reads, retired by a changed version or by time, and the versions
 * of the lookups of one event-loop turn read in one call.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AnswerCache, BLOCK_SHARE, jsonExceeds } from '../../src/graphql/answer-cache';
import { ReadSet } from '../../src/observability/request-scope';
import { ManualClock } from '../fixtures/manual-clock';

function setup(stored: Map<string, string>, options: { maxBytes?: number; maxEntryBytes?: number } = {}) {
  const clock = new ManualClock();
  const calls: string[][] = [];
  const cache = new AnswerCache({
    versionsOf: (keys) => {
      calls.push(keys);
      return Promise.resolve(new Map([...stored].filter(([key]) => keys.includes(key))));
    },
    maxBytes: options.maxBytes ?? 1024 * 1024,
    maxEntryBytes: options.maxEntryBytes ?? 64 * 1024,
    maxAgeMs: 60_000,
    clock,
  });
  return { cache, clock, calls };
}

function readOf(versions: Record<string, string>, until = Infinity): ReadSet {
  const reads = new ReadSet();
  for (const [key, version] of Object.entries(versions)) reads.note(key, version, until);
  return reads;
}

const ROOT = path.join(__dirname, '..', '..');

const answer = (id: string, padding = '') => ({ data: { payment: { id, padding } } });
const viewer = { id: 'user-a' };

/** Keys of answers by number, and a keep of answer `i` (with `padding`) whose one version is stored. */
function numbered(cache: AnswerCache, stored: Map<string, string>) {
  const key = (i: number) => cache.keyFor(viewer, 'hash', 'Payment', { id: String(i) })!;
  const keep = (i: number, padding = '') => {
    stored.set(`payment:${i}`, 'v');
    cache.keep(key(i), answer(String(i), padding), readOf({ [`payment:${i}`]: 'v' }));
  };
  return { key, keep };
}

describe('AnswerCache', () => {
  it('serves a kept answer while every version holds, and retires it when one changes', async () => {
    const stored = new Map([['payment:1', 'v1']]);
    const { cache } = setup(stored);
    const key = cache.keyFor(viewer, 'hash', 'Payment', { id: '1' })!;
    cache.keep(key, answer('1'), readOf({ 'payment:1': 'v1' }));
    expect(await cache.lookup(key)).toEqual(answer('1'));
    stored.set('payment:1', 'v2');
    expect(await cache.lookup(key)).toBeNull();
    expect(cache.held().entries).toBe(0);
  });

  it('keeps nothing from untracked reads, reads that recorded nothing, errors or null root fields', () => {
    const { cache } = setup(new Map([['payment:1', 'v1']]));
    const key = cache.keyFor(viewer, 'hash', 'Payment', { id: '1' })!;
    const untracked = readOf({ 'payment:1': 'v1' });
    untracked.untracked = true;
    cache.keep(key, answer('1'), untracked);
    cache.keep(key, answer('1'), new ReadSet());
    cache.keep(key, { data: { payment: null } }, readOf({ 'payment:1': 'v1' }));
    cache.keep(key, { data: { payment: { id: '1' } }, errors: [{ message: 'no' }] }, readOf({ 'payment:1': 'v1' }));
    expect(cache.held().entries).toBe(0);
  });

  it('marks a record read at two versions in one request untracked', () => {
    const reads = readOf({ 'payment:1': 'v1' });
    reads.note('payment:1', 'v2');
    expect(reads.untracked).toBe(true);
  });

  it('drops an answer once the time its reads stay as read has come', async () => {
    const { cache, clock } = setup(new Map([['payment:1', 'v1']]));
    const key = cache.keyFor(viewer, 'hash', 'Payment', { id: '1' })!;
    cache.keep(key, answer('1'), readOf({ 'payment:1': 'v1' }, clock.now() + 1000));
    await clock.advance(999);
    expect(await cache.lookup(key)).not.toBeNull();
    await clock.advance(1);
    expect(await cache.lookup(key)).toBeNull();
  });

  it('keys by viewer, role, document, operation and variables', () => {
    const { cache } = setup(new Map());
    const keys = new Set([
      cache.keyFor({ id: 'user-a' }, 'hash', 'Payment', { id: '1' }),
      cache.keyFor({ id: 'user-b' }, 'hash', 'Payment', { id: '1' }),
      cache.keyFor({ id: 'user-a', operator: true }, 'hash', 'Payment', { id: '1' }),
      cache.keyFor({ id: 'user-a' }, 'other', 'Payment', { id: '1' }),
      cache.keyFor({ id: 'user-a' }, 'hash', 'Other', { id: '1' }),
      cache.keyFor({ id: 'user-a' }, 'hash', 'Payment', { id: '2' }),
    ]);
    expect(keys.size).toBe(6);
    expect(cache.keyFor(viewer, 'hash', 'Payment', { id: 'x'.repeat(5000) })).toBeNull();
  });

  it('holds at most maxBytes in all and never an answer over maxEntryBytes, counting what V8 holds', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 });
    for (let i = 0; i < 200; i++) {
      const key = cache.keyFor(viewer, 'hash', 'Payment', { id: String(i) })!;
      cache.keep(key, answer(String(i), 'p'.repeat(1000)), readOf({ [`payment:${i}`]: 'v' }));
    }
    expect(cache.held().bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.held().entries).toBeGreaterThan(10);
    const big = cache.keyFor(viewer, 'hash', 'Payment', { id: 'big' })!;
    cache.keep(big, answer('big', 'b'.repeat(9000)), readOf({ 'payment:big': 'v' }));
    expect(cache.held().entries).toBeLessThan(200);
    // 9,000 Latin-1 characters hold 9,000 bytes: over the per-answer cap, not kept.
    await expect(cache.lookup(big)).resolves.toBeNull();
    // 5,000 Arabic characters hold 10,000 bytes (V8 keeps them two bytes each): not kept either,
    // where 5,000 Latin-1 ones (5,000 bytes) are.
    const arabic = cache.keyFor(viewer, 'hash', 'Payment', { id: 'arabic' })!;
    cache.keep(arabic, answer('arabic', '\u0628'.repeat(5000)), readOf({ 'payment:arabic': 'v' }));
    await expect(cache.lookup(arabic)).resolves.toBeNull();
    const latin = cache.keyFor(viewer, 'hash', 'Payment', { id: 'latin' })!;
    cache.keep(latin, answer('latin', 'l'.repeat(5000)), readOf({ 'payment:latin': 'v' }));
    stored.set('payment:latin', 'v');
    await expect(cache.lookup(latin)).resolves.not.toBeNull();
  });

  it('serves back exactly what it kept, whatever the script: Latin-1, Arabic, emoji and escapes', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored);
    const texts = [
      'plain',
      'caf\u00e9 \u00a0SYP',
      '\u0661\u0662\u0660\u066c\u0660\u0660\u0660 \u0644.\u0633.',
      'paid \u{1f389}',
      'a "quoted" \\ line\n\u0000',
    ];
    for (const [i, text] of texts.entries()) {
      const key = cache.keyFor(viewer, 'hash', 'Payment', { id: String(i) })!;
      cache.keep(key, answer(String(i), text), readOf({ [`payment:${i}`]: 'v' }));
      stored.set(`payment:${i}`, 'v');
      expect(await cache.lookup(key)).toEqual(answer(String(i), text));
    }
  });

  it("keeps the answers' bytes in one block outside V8's heap, allocated once: a full cache replacing answers allocates nothing", () => {
    // Measured in a fresh Node process with a full collection before each sample: in a Jest worker,
    // other suites' buffers are freed at any time and move the process-wide counter by megabytes.
    const script = `
      const { AnswerCache } = require(${JSON.stringify(path.join(ROOT, 'src', 'graphql', 'answer-cache.ts'))});
      const { ReadSet } = require(${JSON.stringify(path.join(ROOT, 'src', 'observability', 'request-scope.ts'))});
      const cache = new AnswerCache({
        versionsOf: async () => new Map(), maxBytes: 4 * 1024 * 1024, maxEntryBytes: 64 * 1024, maxAgeMs: 60000,
        clock: { now: () => 0 },
      });
      const sample = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage(); };
      const keep = (from, to) => {
        for (let i = from; i < to; i++) {
          const key = cache.keyFor({ id: 'user-a' }, 'hash', 'Payment', { id: String(i) });
          const reads = new ReadSet();
          reads.note('payment:' + i, 'v', Infinity);
          cache.keep(key, { data: { payment: { id: String(i), padding: 'p'.repeat(1500) } } }, reads);
        }
      };
      const before = sample();
      keep(0, 1000);
      const filling = sample();
      keep(1000, 20000);
      const after = sample();
      process.stdout.write(JSON.stringify({
        entries: cache.held().entries,
        held: cache.held().bytes,
        block: filling.arrayBuffers - before.arrayBuffers,
        churn: after.arrayBuffers - filling.arrayBuffers,
        heap: after.heapUsed - before.heapUsed,
      }));`;
    const child = spawnSync(process.execPath, ['--expose-gc', '-r', require.resolve('@swc-node/register'), '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`the cache did not load: ${child.stderr}`);
    const { entries, held, block, churn, heap } = JSON.parse(child.stdout) as Record<string, number>;
    // The block: its share of the 4 MiB bound, allocated with the first answer ...
    expect(block).toBeGreaterThanOrEqual(Math.floor(4 * 1024 * 1024 * BLOCK_SHARE));
    expect(block).toBeLessThan(Math.floor(4 * 1024 * 1024 * BLOCK_SHARE) + 64 * 1024);
    // ... and nothing more while 19,000 answers replace each other in it.
    expect(Math.abs(churn)).toBeLessThan(64 * 1024);
    expect(held).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(entries).toBeGreaterThan(1000);
    // On V8's heap only the entries' bookkeeping, well under the 1.5 KB each the strings would take.
    expect(heap).toBeLessThan(entries * 1000);
  });

  it('never serves bytes another answer wrote over: a lookup whose entry was overwritten while it waited is a miss', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 16 * 1024, maxEntryBytes: 4 * 1024 });
    const { key, keep } = numbered(cache, stored);
    keep(0, 'a'.repeat(1000));
    const waiting = cache.lookup(key(0)); // waits for the versions (next turn)
    // Meanwhile other answers go round the 10 KiB block: the first one's bytes are written over.
    for (let i = 1; i <= 20; i++) keep(i, 'b'.repeat(1000));
    await expect(waiting).resolves.toBeNull();
  });

  it('serves every kept answer exactly as kept while answers of all sizes and scripts go round the block, oldest dropped first', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 });
    const { key } = numbered(cache, stored);
    const kept = new Map<number, ReturnType<typeof answer>>();
    let hits = 0;
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
    const scripts = ['p', '\u00e9', '\u0628', '\u{1f389}'];
    for (let round = 0; round < 3000; round++) {
      const i = random(150);
      if (random(3) === 0) {
        const value = answer(String(i), scripts[random(4)].repeat(1 + random(800)));
        stored.set(`payment:${i}`, `v${round}`);
        cache.keep(key(i), value, readOf({ [`payment:${i}`]: `v${round}` }));
        kept.set(i, value);
      } else {
        const served = await cache.lookup(key(i));
        if (served !== null) {
          hits++;
          expect(served).toEqual(kept.get(i));
        }
      }
      expect(cache.held().bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(hits).toBeGreaterThan(200);
    expect(new Set([...kept.values()].map((value) => value.data.payment.padding[0])).size).toBe(4);
    expect(kept.size).toBeGreaterThan(140);
    expect(cache.held().entries).toBeLessThan(kept.size);
    // The latest answer is there.
    const fresh = answer('fresh', 'f'.repeat(100));
    stored.set('payment:fresh', 'v');
    cache.keep(cache.keyFor(viewer, 'hash', 'Payment', { id: 'fresh' })!, fresh, readOf({ 'payment:fresh': 'v' }));
    expect(await cache.lookup(cache.keyFor(viewer, 'hash', 'Payment', { id: 'fresh' })!)).toEqual(fresh);
  });

  it('writes an answer still asked for again after the last before the writing reaches it', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 });
    const { key, keep } = numbered(cache, stored);
    keep(0, 'x'.repeat(900));
    // 400 more answers (about 1 KB each) go round the 40 KiB block ten times; the first is asked for after each.
    for (let i = 1; i <= 400; i++) {
      keep(i, 'x'.repeat(900));
      expect(await cache.lookup(key(0))).toEqual(answer('0', 'x'.repeat(900)));
    }
    // One never asked for again is gone.
    expect(await cache.lookup(key(1))).toBeNull();
  });

  it('keeps a small answer still asked for while the keys and versions, not the block, bound what is kept', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 });
    const { key, keep } = numbered(cache, stored);
    keep(0);
    // Answers of about 40 bytes: some 50 fit the 24 KiB for keys and versions, far fewer than the block holds.
    for (let i = 1; i <= 400; i++) {
      keep(i);
      expect(await cache.lookup(key(0))).toEqual(answer('0'));
    }
    expect(await cache.lookup(key(1))).toBeNull();
  });

  it('answers every lookup of one turn from the kept answer, when the first of them writes it again', async () => {
    const stored = new Map<string, string>();
    const { cache } = setup(stored, { maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 });
    const { key, keep } = numbered(cache, stored);
    for (let i = 0; i <= 34; i++) keep(i, 'x'.repeat(900)); // the first answer is now close to being written over
    const served = await Promise.all(Array.from({ length: 5 }, () => cache.lookup(key(0))));
    expect(served).toEqual(Array.from({ length: 5 }, () => answer('0', 'x'.repeat(900))));
  });

  it('keeps no answer over an eighth of the block: writing one again never drops more than that of the others', async () => {
    const stored = new Map<string, string>();
    // A block of 100 KiB: answers of at most 12,800 bytes, whatever maxEntryBytes allows.
    const { cache } = setup(stored, { maxBytes: 160 * 1024, maxEntryBytes: 128 * 1024 });
    const { key, keep } = numbered(cache, stored);
    keep(-1, 'b'.repeat(13_000));
    expect(cache.held().entries).toBe(0);
    // Eight answers of the largest size kept: the first is close to being written over.
    for (let i = 0; i < 8; i++) keep(i, 'b'.repeat(12_000));
    expect(cache.held().entries).toBe(8);
    // Served, it is written again at the start of the block: none of the seven others is dropped.
    expect(await cache.lookup(key(0))).toEqual(answer('0', 'b'.repeat(12_000)));
    for (let i = 0; i < 8; i++) expect(await cache.lookup(key(i))).not.toBeNull();
  });

  it('refuses an answer over the cap before serialising it: its size walk never counts more than the JSON holds', () => {
    const values: unknown[] = [
      null,
      0,
      -12.5e300,
      true,
      '',
      'a "quoted" \\ line\n',
      '\u0628\u0628',
      [],
      [1, null, [2, [3]]],
      {},
      { a: 1, b: undefined, c: [{ d: 'e' }, {}] },
      Object.assign(Object.create(null) as object, { payment: { id: 'p', status: 'PAID', metadata: { blob: 'x'.repeat(300) } } }),
    ];
    for (const value of values) {
      const length = JSON.stringify(value).length;
      expect(jsonExceeds(value, length)).toBe(false);
    }
    const large = { data: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`r${i}`, { metadata: { blob: 'x'.repeat(8000) } }])) };
    expect(jsonExceeds(large, 64 * 1024)).toBe(true);
    expect(jsonExceeds(large, 300 * 1024)).toBe(false);

    // keep() does not build the JSON of an answer that cannot fit.
    const { cache } = setup(new Map(), { maxEntryBytes: 16 * 1024 });
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      cache.keep(cache.keyFor(viewer, 'hash', 'Payment', { id: 'large' })!, { data: large.data }, readOf({ 'payment:large': 'v' }));
      expect(
        stringify.mock.calls.filter(([value]) => value === undefined || (value as { data?: unknown }).data === large.data),
      ).toHaveLength(0);
    } finally {
      stringify.mockRestore();
    }
    expect(cache.held().entries).toBe(0);
  });

  it('reads the versions of the lookups of one event-loop turn in one call', async () => {
    const stored = new Map([
      ['payment:1', 'v1'],
      ['payment:2', 'v2'],
    ]);
    const { cache, calls } = setup(stored);
    const one = cache.keyFor(viewer, 'hash', 'Payment', { id: '1' })!;
    const two = cache.keyFor(viewer, 'hash', 'Payment', { id: '2' })!;
    cache.keep(one, answer('1'), readOf({ 'payment:1': 'v1' }));
    cache.keep(two, answer('2'), readOf({ 'payment:2': 'v2' }));
    const found = await Promise.all([cache.lookup(one), cache.lookup(two)]);
    expect(found).toEqual([answer('1'), answer('2')]);
    expect(calls).toEqual([['payment:1', 'payment:2']]);
  });
});
