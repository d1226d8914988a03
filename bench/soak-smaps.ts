// What holds a BFF's RSS during the soak: every 30 s, /proc/<pid>/smaps of each BFF process is read
// (once, asynchronously, so the load generator's event loop waits neither for the kernel's walk of the
// page tables nor for a child process) and the Rss of its mappings summed into a few groups: V8's
// pages, glibc's main arena, the other anonymous memory, and mapped files. VmRSS alone cannot tell a
// growing JS heap from a growing native cache.
import fs from 'node:fs/promises';
import type { Probed } from './soak-probes';

export const SMAPS_GROUPS = ['v8 heap', 'malloc [heap]', 'other anon', 'files'] as const;
export type SmapsGroup = (typeof SMAPS_GROUPS)[number];

/** Rss in KiB per group, and of all mappings. */
export type SmapsBreakdown = Readonly<Record<SmapsGroup | 'total', number>>;

export interface SmapsSample {
  /** Seconds since the run started. */
  readonly t: number;
  readonly kib: SmapsBreakdown;
}

/** V8 allocates its heap in pages of 256 KiB, each aligned to its size. */
const V8_PAGE_KIB = 256;

/**
 * The group of one mapping (a heuristic for `v8 heap`). Besides the size, a V8 page starts on a
 * 256 KiB boundary and is not executable: that keeps out thread stacks (8 MiB, a multiple of 256 KiB,
 * but mapped at any 4 KiB boundary) and the executable range V8 reserves for JIT code, both counted as
 * other anon. V8's large-object pages (sized to their object) fall in other anon too.
 */
export function classifyMapping(start: string, perms: string, path: string, sizeKiB: number): SmapsGroup {
  if (path === '[heap]') return 'malloc [heap]';
  // [stack], [vdso], [vvar], [anon:<name>]: anonymous memory with a name given by the kernel or a prctl.
  if (path.startsWith('[')) return 'other anon';
  if (path !== '') return 'files';
  // The lowest 5 hex digits (20 bits) hold the 18 bits of a 256 KiB offset; the whole address may
  // exceed 2^53 ([vsyscall]), so it is not parsed as one number.
  const aligned = parseInt(start.slice(-5), 16) % (V8_PAGE_KIB * 1024) === 0;
  return aligned && sizeKiB % V8_PAGE_KIB === 0 && !perms.includes('x') ? 'v8 heap' : 'other anon';
}

// "7f1c2a000000-7f1c2a040000 rw-p 00000000 00:00 0    [heap]": start, perms, offset, device, inode, path
// (empty for anonymous memory; it may itself contain spaces).
const HEADER = /^([0-9a-f]+)-[0-9a-f]+ (\S+) \S+ \S+ \S+ *(.*)$/;

/** Sums the Rss of the mappings in the text of /proc/<pid>/smaps by group. */
export function parseSmaps(text: string): SmapsBreakdown {
  const kib: Record<SmapsGroup | 'total', number> = { 'v8 heap': 0, 'malloc [heap]': 0, 'other anon': 0, files: 0, total: 0 };
  let mapping: { start: string; perms: string; path: string } | null = null;
  let sizeKiB = 0;
  for (const line of text.split('\n')) {
    // parseInt skips the padding after the field name and stops at " kB".
    if (line.startsWith('Size:')) sizeKiB = parseInt(line.slice(5), 10);
    else if (line.startsWith('Rss:')) {
      if (mapping === null) continue;
      const rss = parseInt(line.slice(4), 10);
      kib[classifyMapping(mapping.start, mapping.perms, mapping.path, sizeKiB)] += rss;
      kib.total += rss;
    } else {
      // Field lines start with a capital letter, so the anchored match fails on their first character.
      const header = HEADER.exec(line);
      if (header) mapping = { start: header[1], perms: header[2], path: header[3].trimEnd() };
    }
  }
  return kib;
}

/** The groups of a process now, or null when its smaps cannot be read (not Linux, process gone). */
export async function readSmaps(pid: number): Promise<SmapsBreakdown | null> {
  try {
    return parseSmaps(await fs.readFile(`/proc/${pid}/smaps`, 'utf8'));
  } catch {
    return null;
  }
}

/** Reads the smaps of each process every `everyMs`, and once more when stopped (the end of the load). */
export class SmapsSampler {
  readonly samples = new Map<string, SmapsSample[]>();
  private readonly timer: NodeJS.Timeout;
  private busy: Promise<void> | null = null;

  constructor(
    private readonly processes: readonly Probed[],
    private readonly t0: number,
    everyMs = 30_000,
  ) {
    for (const p of processes) this.samples.set(p.name, []);
    this.timer = setInterval(() => {
      if (!this.busy) this.busy = this.sample().finally(() => (this.busy = null));
    }, everyMs);
  }

  private async sample(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        const t = (Date.now() - this.t0) / 1000;
        const kib = await readSmaps(p.pid);
        // Unreadable: skipped; the RSS table and the run's errors tell about a process gone.
        if (kib) this.samples.get(p.name)!.push({ t, kib });
      }),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    await this.sample();
  }
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);
const signedMib = (kib: number): string => (Math.abs(kib) < 0.05 * 1024 ? '0.0' : `${kib > 0 ? '+' : ''}${mib(kib)}`);

/** Growth is measured from the first sample at or after this point (after start-up and warm-up). */
const GROWTH_FROM_S = 120;

/** Per process: a per-minute table of the groups (last sample of each minute), then their growth since minute 2. */
export function renderSmaps(processes: readonly Probed[], sampler: SmapsSampler, seconds: number): string[] {
  const minutes = Math.ceil(seconds / 60);
  const columns: ReadonlyArray<SmapsGroup | 'total'> = [...SMAPS_GROUPS, 'total'];
  const lines = [
    'Memory by mapping, per minute (Rss MiB summed over /proc/<pid>/smaps, read every 30 s and at the end of the load; the last read of each minute). ' +
      '"v8 heap" is a HEURISTIC: anonymous mappings that start on a 256 KiB boundary, have a size that is a multiple of 256 KiB and are not executable ' +
      "(V8's pages are 256 KiB chunks; its large-object pages and JIT code land in other anon). malloc [heap]: glibc's main arena (SQLite page caches, " +
      'native buffers); other anon: the other anonymous mappings (glibc thread arenas and mmap-ed blocks, thread stacks, JIT code); files: mapped files ' +
      '(node binary, .node addons, shared libraries):',
  ];
  for (const p of processes) {
    const samples = sampler.samples.get(p.name) ?? [];
    if (samples.length === 0) {
      lines.push(`${p.name}: no smaps read (not Linux, or the process was gone)`);
      continue;
    }
    lines.push(`| ${p.name} minute | ${columns.join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`);
    for (let m = 0; m < minutes; m++) {
      // The same minute boundaries as the RSS table (a read just after the minute still counts for it).
      const inMinute = samples.filter((s) => s.t > m * 60 && s.t <= (m + 1) * 60 + 1);
      const last = inMinute[inMinute.length - 1];
      lines.push(`| ${m + 1} | ${columns.map((c) => (last ? mib(last.kib[c]) : '-')).join(' | ')} |`);
    }
    const first = samples.find((s) => s.t >= GROWTH_FROM_S);
    const last = samples[samples.length - 1];
    lines.push(
      first && first !== last
        ? `${p.name}: growth from ${first.t.toFixed(0)} s to ${last.t.toFixed(0)} s (MiB): ` +
            columns.map((c) => `${c} ${signedMib(last.kib[c] - first.kib[c])}`).join(', ')
        : `${p.name}: growth not measured (fewer than two reads at or after ${GROWTH_FROM_S} s)`,
    );
  }
  return lines;
}
