// One load window against one server: autocannon in this process, every body checked, latencies
// kept exactly (autocannon's own histogram rounds to whole milliseconds, too coarse at ~1 ms),
// and the server's CPU time and peak RSS read from /proc around the window.
import autocannon from 'autocannon';
import type { Check, Shot } from './graphql';
import { PeakRss, cpuSeconds } from './probe';
import { REQUEST_HEADERS } from './token';

export interface LoadSpec {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** The POST body sent on every request (as the bench viewer). */
  readonly body: string;
  readonly connections: number;
  readonly check: Check;
}

/** Many requests (e.g. a random viewer and one of its own payments): each request is one of `shots`, at random, checked by its own check. */
export interface MixedLoadSpec {
  readonly url: string;
  readonly shots: readonly Shot[];
  readonly connections: number;
}

export interface Window {
  readonly requests: number;
  /** How long the load actually ran. */
  readonly seconds: number;
  readonly rps: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** Socket errors, timeouts, non-2xx answers and wrong bodies. */
  readonly errors: number;
  /** The first wrong answer, to say what went wrong. */
  readonly firstError: string | null;
  /** Server CPU (user + system) per answered request, in microseconds. */
  readonly cpuUs: number;
  readonly peakRssMiB: number;
}

interface ShotContext {
  shot?: Shot;
}

/**
 * autocannon's dynamic request: each request draws a shot at random; its answer is checked by
 * that shot's check. One request is in flight per connection (no pipelining), and autocannon
 * reports a response (onResponse) before it sets up the connection's next request, so the
 * connection's context still holds the shot being answered.
 */
function mixed(shots: readonly Shot[], judge: (check: Check, body: string) => boolean): autocannon.Request {
  if (shots.length === 0) throw new Error('a row with no requests');
  return {
    method: 'POST',
    setupRequest: (request, context: ShotContext) => {
      const shot = shots[Math.floor(Math.random() * shots.length)];
      context.shot = shot;
      return { ...request, headers: { ...shot.headers }, body: shot.body };
    },
    onResponse: (status, body, context: ShotContext) => {
      // Non-2xx answers are counted by autocannon itself.
      if (status >= 200 && status < 300) judge(context.shot?.check ?? (() => 'no request recorded for this answer'), body);
    },
  };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Runs `spec` for `seconds` (a whole number: autocannon stops on its 1 s tick) against process `pid`.
 * A window with no answer at all counts as an error, except a warm-up (`warmup`): 100 creates in
 * flight on a slow server may all take longer than its 1 s. Every answer that does come is checked.
 */
export async function measure(spec: LoadSpec | MixedLoadSpec, seconds: number, pid: number, warmup = false): Promise<Window> {
  const latencies: number[] = [];
  let wrong = 0;
  let firstError: string | null = null;
  const judge = (check: Check, body: string): boolean => {
    const problem = check(body);
    if (problem === null) return true;
    wrong++;
    firstError ??= `${problem}: ${body.slice(0, 300)}`;
    return false;
  };
  const peak = new PeakRss(pid);
  const cpuBefore = cpuSeconds(pid);
  const common = { url: spec.url, connections: spec.connections, duration: seconds, timeout: 10, method: 'POST' as const };
  const instance =
    'shots' in spec
      ? autocannon({ ...common, requests: [mixed(spec.shots, judge)] })
      : autocannon({ ...common, headers: { ...REQUEST_HEADERS }, body: spec.body, verifyBody: (body) => judge(spec.check, body) });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else firstError ??= `HTTP ${status}`;
  });
  instance.on('reqError', (error: Error) => {
    firstError ??= `request error: ${error.message}`;
  });
  const result = await instance;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const peakRssMiB = peak.stop();

  const sorted = Float64Array.from(latencies).sort();
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors + result.non2xx + wrong + (requests === 0 && !warmup ? 1 : 0),
    firstError: firstError ?? (requests === 0 && !warmup ? 'no request was answered' : null),
    cpuUs: requests > 0 ? (cpu * 1e6) / requests : Number.NaN,
    peakRssMiB,
  };
}
