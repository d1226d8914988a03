// Reads a BFF's `node --cpu-prof` profile after a soak: what the event loop was doing in its longest
// busy stretches (consecutive samples that are not idle: one long turn, or turns back to back with
// no pause between them), besides the overall top self times (bench/profile.ts).
import { summariseProfile } from './profile';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface Node {
  id: number;
  callFrame: Frame;
  children?: number[];
}

export interface CpuProfile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

interface Stretch {
  startMs: number;
  ms: number;
  from: number;
  to: number;
}

function label(frame: Frame, root: string): string {
  const file = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(root, '');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

function top(weights: Map<string, number>, total: number, count: number): string[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${((100 * ms) / total).toFixed(0).padStart(3)}% ${name}`);
}

/** Overall top self times, then the longest busy stretches with what they spent their time in. */
export function longestTurns(profile: CpuProfile, root: string, count = 6, thresholdMs = 20): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (id: number): string => byId.get(id)?.callFrame.functionName ?? '';
  const hasIdle = profile.samples.some((id) => name(id) === '(idle)');
  const idle = (id: number): boolean => name(id) === '(idle)' || (!hasIdle && name(id) === '(program)');
  /** The innermost frame of the project's own code (src/) on the sample's stack. */
  const ownFrame = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.url.includes(`${root}src/`)) return label(frame, root);
    }
    return '(no project frame: node, V8 or a package alone)';
  };

  const stretches: Stretch[] = [];
  let clock = 0;
  let open: Stretch | null = null;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    clock += delta;
    if (idle(id)) {
      if (open) stretches.push(open);
      open = null;
    } else if (open) {
      open.ms += delta;
      open.to = i;
    } else open = { startMs: clock, ms: delta, from: i, to: i };
  });
  if (open) stretches.push(open);
  stretches.sort((a, b) => b.ms - a.ms);

  const describe = (parts: Stretch[]): { self: Map<string, number>; own: Map<string, number>; total: number } => {
    const self = new Map<string, number>();
    const own = new Map<string, number>();
    let total = 0;
    for (const s of parts) {
      for (let i = s.from; i <= s.to; i++) {
        const id = profile.samples[i];
        const ms = (profile.timeDeltas[i] ?? 0) / 1000;
        total += ms;
        const frame = byId.get(id)?.callFrame;
        if (frame) self.set(label(frame, root), (self.get(label(frame, root)) ?? 0) + ms);
        own.set(ownFrame(id), (own.get(ownFrame(id)) ?? 0) + ms);
      }
    }
    return { self, own, total };
  };

  const busyMs = stretches.reduce((sum, s) => sum + s.ms, 0);
  const long = stretches.filter((s) => s.ms >= thresholdMs);
  const lines = [
    `${(clock / 1000).toFixed(0)} s profiled, ${(busyMs / 1000).toFixed(1)} s busy (${((100 * busyMs) / clock).toFixed(0)}%); ` +
      `${long.length} busy stretches of ${thresholdMs} ms or more (${long.reduce((sum, s) => sum + s.ms, 0).toFixed(0)} ms in all); longest: ` +
      stretches
        .slice(0, 10)
        .map((s) => s.ms.toFixed(0))
        .join(', ') +
      ' ms',
  ];
  if (long.length > 0) {
    const all = describe(long);
    lines.push(`  in the stretches of ${thresholdMs} ms or more, self time:`, ...top(all.self, all.total, 12).map((l) => `    ${l}`));
    lines.push('  and the project code on the stack:', ...top(all.own, all.total, 8).map((l) => `    ${l}`));
  }
  for (const s of stretches.slice(0, count)) {
    const one = describe([s]);
    lines.push(
      `  ${s.ms.toFixed(1)} ms at +${(s.startMs / 1000).toFixed(1)} s: ${top(one.self, one.total, 4).join('; ')} | project: ${top(one.own, one.total, 2).join('; ')}`,
    );
  }
  lines.push('', ...summariseProfile(profile, root));
  return lines;
}
