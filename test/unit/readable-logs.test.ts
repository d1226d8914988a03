/** Development logs read as lines at a terminal; the same logger writes JSON anywhere else. */
import { PassThrough } from 'node:stream';
import { createLogger, readableDestination } from '../../src/logger';

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

describe('readable development logs', () => {
  it('writes a level, a time and the message on one line, with the fields after it, and scrubs secrets', () => {
    const out = new PassThrough();
    const text = collect(out);
    const destination = readableDestination(out, false);
    expect(destination).not.toBeNull();
    const log = createLogger('info', destination!, ['sk_live_secret_123456']);
    log.info({ cashiiId: '1234567890123456' }, 'payment created with sk_live_secret_123456');
    const written = text();
    expect(written).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: payment created with \[redacted\]\n/);
    expect(written).toContain('cashiiId: "1234567890123456"');
    expect(() => JSON.parse(written) as unknown).toThrow();
  });

  it('writes JSON lines when given any other stream', () => {
    const out = new PassThrough();
    const text = collect(out);
    createLogger('info', out).info({ cashiiId: '1234567890123456' }, 'payment created');
    expect(JSON.parse(text())).toMatchObject({ level: 30, msg: 'payment created', cashiiId: '1234567890123456' });
  });
});
