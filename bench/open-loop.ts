// One open-loop (fixed arrival rate) window: requests leave on a fixed schedule, whether or not the
// earlier ones have been answered, as shoppers arrive. A closed loop (autocannon's N connections)
// only shows concurrency divided by throughput; this shows what each request waits at a steady
// rate. Latency is measured from each request's scheduled departure, so a server (or a load
// generator) that falls behind cannot hide it (no coordinated omission). Every answer is checked.
import { Agent, request } from 'node:http';
import type { Shot } from './graphql';
import type { LoadSpec, Window } from './load';
import { percentile } from './load';
import { PeakRss, cpuSeconds } from './probe';
import { REQUEST_HEADERS } from './token';

export interface OpenLoopSpec extends Omit<LoadSpec, 'connections'> {
  /** Requests per second, sent on a fixed schedule. */
  readonly rate: number;
}

/**
 * Virtual clients on one schedule: request j is `shots[j % shots.length]`, so with n shots at
 * `rate` each client sends its own request every n / rate seconds, the clients evenly out of phase
 * (n clients polling every n / rate seconds).
 */
export interface PollingSpec {
  readonly url: string;
  readonly rate: number;
  readonly shots: readonly Shot[];
}

export interface OpenLoopWindow extends Window {
  /** Requests scheduled in the window. */
  readonly scheduled: number;
  /** The largest delay between a request's schedule and its actual departure (the generator's own lag), ms. */
  readonly maxSendLagMs: number;
}

/** An answer that takes longer than this counts as an error (the server is far behind the rate). */
const TIMEOUT_MS = 30_000;

/**
 * Sends `rate` requests per second for `seconds`, then waits for the last answers. `pid` is the
 * server measured (CPU and peak RSS over the whole window, the wait for the last answers included).
 */
export async function measureOpenLoop(spec: OpenLoopSpec | PollingSpec, seconds: number, pid: number): Promise<OpenLoopWindow> {
  const target = new URL(spec.url);
  // Sockets are opened as needed and kept: at a steady rate only a few are ever in use.
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000 });
  const prepared = ('shots' in spec ? spec.shots : [{ body: spec.body, headers: REQUEST_HEADERS, check: spec.check }]).map((shot) => ({
    ...shot,
    headers: { ...shot.headers, 'content-length': String(Buffer.byteLength(shot.body)) },
  }));
  if (prepared.length === 0) throw new Error('an open loop with no requests');
  const total = Math.max(1, Math.round(spec.rate * seconds));
  const intervalMs = 1000 / spec.rate;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let maxSendLagMs = 0;
  const failed = (reason: string): void => {
    errors++;
    firstError ??= reason;
  };

  const peak = new PeakRss(pid);
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();

  const send = (scheduledAt: number, which: number, retry = false): Promise<void> =>
    new Promise((resolve) => {
      const { body: payload, headers, check } = prepared[which % prepared.length];
      if (!retry) maxSendLagMs = Math.max(maxSendLagMs, performance.now() - scheduledAt);
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, timeout: TIMEOUT_MS },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            const ms = performance.now() - scheduledAt;
            const status = res.statusCode ?? 0;
            const problem = status >= 200 && status < 300 ? check(body) : `HTTP ${status}`;
            if (problem === null) latencies.push(ms);
            else failed(`${problem}: ${body.slice(0, 300)}`);
            resolve();
          });
          res.on('error', (error) => {
            failed(`response error: ${error.message}`);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as this request left on it ("socket hang up"): the
        // client's race, not the server's answer. Sent again once, as Node's documentation advises;
        // its latency still counts from the first schedule. (LC lost one create of a run to it.)
        if (!retry && req.reusedSocket && error.code === 'ECONNRESET') return void send(scheduledAt, which, true).then(resolve);
        failed(`request error: ${error.message}`);
        resolve();
      });
      req.end(payload);
    });

  const inFlight: Array<Promise<void>> = [];
  await new Promise<void>((done) => {
    let sent = 0;
    const tick = (): void => {
      const now = performance.now();
      // Everything due by now leaves now, each with its own scheduled time.
      while (sent < total && started + sent * intervalMs <= now) {
        inFlight.push(send(started + sent * intervalMs, sent));
        sent++;
      }
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const cpu = cpuSeconds(pid) - cpuBefore;
  const peakRssMiB = peak.stop();

  const sorted = Float64Array.from(latencies).sort();
  const requests = latencies.length + errors;
  return {
    requests,
    scheduled: total,
    seconds: elapsed,
    // Good answers per second of the schedule: the rate, unless answers failed.
    rps: latencies.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: errors + (latencies.length === 0 ? 1 : 0),
    firstError: firstError ?? (latencies.length === 0 ? 'no request was answered' : null),
    cpuUs: requests > 0 ? (cpu * 1e6) / requests : Number.NaN,
    peakRssMiB,
    maxSendLagMs,
  };
}
