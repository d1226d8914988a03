// One load window against one server: autocannon in this process, every body checked, latencies
// kept exactly (autocannon's own histogram rounds to whole milliseconds, too coarse at ~1 ms),
// and the server's CPU time and peak RSS read from /proc around the window.
import autocannon from 'autocannon';
import type { Check } from './graphql';
import { PeakRss, cpuSeconds } from './probe';
import { REQUEST_HEADERS } from './token';

export interface LoadSpec {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** The POST body sent on every request. */
  readonly body: string;
  readonly connections: number;
  readonly check: Check;
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

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Runs `spec` for `seconds` (a whole number: autocannon stops on its 1 s tick) against process `pid`.
 * A window with no answer at all counts as an error, except a warm-up (`warmup`): 100 creates in
 * flight on a slow server may all take longer than its 1 s. Every answer that does come is checked.
 */
export async function measure(spec: LoadSpec, seconds: number, pid: number, warmup = false): Promise<Window> {
  const latencies: number[] = [];
  let wrong = 0;
  let firstError: string | null = null;
  const peak = new PeakRss(pid);
  const cpuBefore = cpuSeconds(pid);
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
    method: 'POST',
    headers: { ...REQUEST_HEADERS },
    body: spec.body,
    verifyBody: (body) => {
      const problem = spec.check(body);
      if (problem === null) return true;
      wrong++;
      firstError ??= `${problem}: ${body.slice(0, 300)}`;
      return false;
    },
  });
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
