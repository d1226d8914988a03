// What the soak watches while it runs: `/livez` every 100 ms per BFF process (from a worker thread,
// so the load generator's own event loop does not delay the probes), and every few seconds each
// process's RSS (/proc/<pid>/status) and, from its /metrics, the JS heap and the largest event-loop
// delay since the previous scrape (prom-client's monitorEventLoopDelay gauges).
import os from 'node:os';
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { cpuSeconds, rssMiB } from './probe';
import { httpRequest } from './soak-http';

export interface Probed {
  readonly name: string;
  readonly pid: number;
  /** The BFF's base URL (without /graphql). */
  readonly baseUrl: string;
}

export interface LivezSample {
  /** Seconds since the run started. */
  readonly t: number;
  readonly ms: number;
}

export interface LivezResult {
  readonly name: string;
  readonly samples: LivezSample[];
  readonly failures: number;
  /** The prober's own largest delay behind its schedule. */
  readonly maxProbeLagMs: number;
}

// Plain JavaScript: a worker started from a string needs no TypeScript loader.
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { targets, intervalMs, t0 } = workerData;
const results = targets.map((t) => ({ name: t.name, samples: [], failures: 0, maxProbeLagMs: 0 }));
const agents = targets.map(() => new http.Agent({ keepAlive: true }));
const inFlight = new Set();
let stopped = false;
const started = performance.now();
let n = 0;
function probe(i) {
  const result = results[i];
  const sentAt = performance.now();
  const p = new Promise((resolve) => {
    const req = http.request({ agent: agents[i], host: targets[i].host, port: targets[i].port, path: '/livez', method: 'GET', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => {
        const ms = performance.now() - sentAt;
        if (res.statusCode === 200) result.samples.push({ t: (Date.now() - t0) / 1000, ms });
        else result.failures++;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { result.failures++; resolve(); });
    req.end();
  });
  inFlight.add(p);
  p.finally(() => inFlight.delete(p));
}
function tick() {
  if (stopped) return;
  const now = performance.now();
  const due = started + n * intervalMs;
  for (const r of results) r.maxProbeLagMs = Math.max(r.maxProbeLagMs, now - due);
  for (let i = 0; i < targets.length; i++) probe(i);
  n++;
  setTimeout(tick, Math.max(0, started + n * intervalMs - performance.now()));
}
parentPort.on('message', async () => {
  stopped = true;
  await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, 6000))]);
  for (const a of agents) a.destroy();
  parentPort.postMessage(results);
});
tick();
`;

export class LivezProber {
  private readonly worker: Worker;

  constructor(processes: readonly Probed[], t0: number, intervalMs = 100) {
    const targets = processes.map((p) => {
      const url = new URL(p.baseUrl);
      return { name: p.name, host: url.hostname, port: url.port };
    });
    this.worker = new Worker(PROBER, { eval: true, workerData: { targets, intervalMs, t0 } });
  }

  async stop(): Promise<LivezResult[]> {
    const results = new Promise<LivezResult[]>((resolve, reject) => {
      this.worker.once('message', (message: LivezResult[]) => resolve(message));
      this.worker.once('error', reject);
    });
    this.worker.postMessage('stop');
    const answer = await results;
    await this.worker.terminate();
    return answer;
  }
}

export interface MemorySample {
  readonly t: number;
  readonly rssMiB: number;
  /** From /metrics (NaN when that scrape was not taken or failed). */
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  /** Of heapTotalMiB, the young generation's (V8 grows it under a high allocation rate, up to --max-semi-space-size). */
  readonly newSpaceMiB: number;
  readonly externalMiB: number;
  /** What the client-fillable caches hold together, as counted against their bounds (bff_cache_bytes). */
  readonly cachesMiB: number;
  /** Largest event-loop delay since the previous scrape, ms. */
  readonly loopMaxMs: number;
  readonly loopP99Ms: number;
  /** How long the /metrics scrape itself took, ms. */
  readonly scrapeMs: number;
  /** Share of one core the process used since the previous sample, %. */
  readonly cpuPercent: number;
  /** The reconciler's due payments (bff_reconciler_backlog, counted up to 1,000). */
  readonly backlog: number;
  readonly load1: number;
}

/** Sums every series of a metric in Prometheus text (one number without labels, or all label sets). */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([-0-9.eE+]+|NaN)$`, 'gm'))) {
    sum += Number(match[1]);
    found = true;
  }
  return found ? sum : Number.NaN;
}

const MIB = 1024 * 1024;

/** RSS every `rssEveryMs`; /metrics (heap, event-loop delay) every `metricsEvery` RSS samples. */
export class MemorySampler {
  readonly samples = new Map<string, MemorySample[]>();
  private readonly agent = new Agent({ keepAlive: true });
  private readonly timer: NodeJS.Timeout;
  private ticks = 0;
  private busy: Promise<void> | null = null;
  private readonly lastCpu = new Map<string, { at: number; cpu: number }>();

  /** CPU (% of one core) of the other processes watched (the simulator, the load generator), per sample. */
  readonly otherCpu = new Map<string, Array<{ t: number; cpuPercent: number }>>();

  constructor(
    private readonly processes: readonly Probed[],
    private readonly t0: number,
    private readonly others: readonly Probed[] = [],
    rssEveryMs = 5000,
    private readonly metricsEvery = 3,
  ) {
    for (const p of processes) this.samples.set(p.name, []);
    for (const p of others) this.otherCpu.set(p.name, []);
    this.timer = setInterval(() => {
      if (!this.busy) this.busy = this.sample().finally(() => (this.busy = null));
    }, rssEveryMs);
  }

  private async sample(): Promise<void> {
    const scrape = this.ticks++ % this.metricsEvery === 0;
    for (const o of this.others) {
      try {
        this.otherCpu.get(o.name)!.push({ t: (Date.now() - this.t0) / 1000, cpuPercent: this.cpuSince(o) });
      } catch {
        // gone
      }
    }
    await Promise.all(
      this.processes.map(async (p) => {
        const t = (Date.now() - this.t0) / 1000;
        let rss = Number.NaN;
        let cpuPercent = Number.NaN;
        try {
          rss = rssMiB(p.pid);
          cpuPercent = this.cpuSince(p);
        } catch {
          // gone: the run reports that through its errors
        }
        let metrics = '';
        let scrapeMs = Number.NaN;
        if (scrape) {
          const started = performance.now();
          try {
            metrics = (await httpRequest(this.agent, new URL('/metrics', p.baseUrl), 'GET', {}, null, 10_000)).text;
            scrapeMs = performance.now() - started;
          } catch {
            metrics = '';
          }
        }
        this.samples.get(p.name)!.push({
          t,
          rssMiB: rss,
          cpuPercent,
          heapUsedMiB: metricValue(metrics, 'nodejs_heap_size_used_bytes') / MIB,
          heapTotalMiB: metricValue(metrics, 'nodejs_heap_size_total_bytes') / MIB,
          newSpaceMiB: metricValue(metrics, 'nodejs_heap_space_size_total_bytes\\{space="new"\\}') / MIB,
          externalMiB: metricValue(metrics, 'nodejs_external_memory_bytes') / MIB,
          cachesMiB: metricValue(metrics, 'bff_cache_bytes') / MIB,
          loopMaxMs: metricValue(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000,
          loopP99Ms: metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
          scrapeMs,
          backlog: metricValue(metrics, 'bff_reconciler_backlog'),
          load1: os.loadavg()[0],
        });
      }),
    );
  }

  /** CPU of `p` since the previous call, as a share of one core (the first call starts the count: NaN). */
  cpuSince(p: Probed): number {
    const at = performance.now();
    const cpu = p.pid === process.pid ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : cpuSeconds(p.pid);
    const last = this.lastCpu.get(p.name);
    this.lastCpu.set(p.name, { at, cpu });
    return last ? (100 * (cpu - last.cpu)) / ((at - last.at) / 1000) : Number.NaN;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    this.agent.destroy();
  }
}
