/**
 * One HTTP exchange with Cashii over `node:http`/`node:https` with a keep-alive agent. It replaces
 * `fetch` (undici), whose WHATWG streams, Headers and AbortSignal cost about a fifth of a create's
 * CPU in the bench's profile. It never follows a redirect (the caller judges a 3xx), reads at most
 * `MAX_BODY_BYTES` of an answer, and gives up at `deadline` with a `TimeoutError`, like fetch's
 * `AbortSignal.timeout` did.
 */
import http from 'node:http';
import https from 'node:https';
import { CashiiBadResponseError } from './errors';

/** Cashii's answers are a few hundred bytes; anything this large is not one of them. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface CashiiAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

export interface CashiiExchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Milliseconds left for the whole exchange, the answer's body included. */
  timeoutMs: number;
}

export class CashiiTransport {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(baseUrl: string) {
    this.secure = new URL(baseUrl).protocol === 'https:';
    const options = { keepAlive: true, scheduling: 'lifo' as const, maxFreeSockets: 64 };
    this.agent = this.secure ? new https.Agent(options) : new http.Agent(options);
  }

  send({ method, url, headers, body, timeoutMs }: CashiiExchange): Promise<CashiiAnswer> {
    return new Promise<CashiiAnswer>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const request = (this.secure ? https : http).request(url, {
        method,
        agent: this.agent,
        headers: payload === undefined ? headers : { ...headers, 'content-length': String(payload.length) },
      });
      let settled = false;
      /** Settles once; an error also tears the exchange down (its socket is not reused). */
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
        request.destroy();
      };
      const timer = setTimeout(() => fail(timeoutError()), timeoutMs);
      request.on('error', fail);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) fail(new CashiiBadResponseError('Cashii sent an answer larger than 1 MiB', response.statusCode));
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('aborted', () => fail(new Error('Cashii closed the connection mid-answer')));
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
            text: Buffer.concat(chunks, size).toString('utf8'),
          });
        });
      });
      request.end(payload);
    });
  }

  /** Closes idle keep-alive connections (shutdown). */
  close(): void {
    this.agent.destroy();
  }
}

function timeoutError(): Error {
  const error = new Error('Cashii did not answer in time');
  error.name = 'TimeoutError';
  return error;
}
