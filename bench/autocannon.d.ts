// autocannon ships no types: this declares only the part of its API the bench uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds; autocannon checks it on its 1 s sampling tick. */
      duration?: number;
      /** Per-request timeout in seconds. */
      timeout?: number;
      pipelining?: number;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      /** Called with every response body; false counts a mismatch (and no latency sample). */
      verifyBody?: (body: string) => boolean;
      /** Requests each connection sends in turn (with `setupRequest`, built anew for every request). */
      requests?: Request[];
    }

    /** One entry of `requests`; `context` is the connection's, reset before each pass over `requests`. */
    interface Request {
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      setupRequest?(request: Request, context: Record<string, unknown>): Request;
      onResponse?(status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>): void;
    }

    interface Stats {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p99: number;
    }

    interface Result {
      requests: Stats;
      latency: Stats;
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
    }

    /** The running benchmark: emits `response` (client, status, bytes, ms) and resolves to the result. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
