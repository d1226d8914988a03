/**
 * A log line says which request and which trace it was written for: the request scope's id and
 * operation name, and (once an OpenTelemetry SDK is set up) the active span's ids, with nothing
 * added outside of either.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { type Context, type ContextManager, ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { createLogger } from '../../src/logger';
import { runInRequest } from '../../src/observability/request-scope';

/** What the SDK's AsyncLocalStorageContextManager does, in the few lines a test needs. */
class TestContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A) {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

describe('log lines in context', () => {
  beforeAll(() => context.setGlobalContextManager(new TestContextManager()));
  afterAll(() => context.disable());

  it('carry the request id and operation name inside a request, and nothing of it outside', async () => {
    const { log, lines } = capture();
    await runInRequest({ requestId: 'req-1', operationName: 'Payment' }, async () => {
      await Promise.resolve();
      log.child({ component: 'deep' }).info({ cashiiId: '1' }, 'inside');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({ requestId: 'req-1', operationName: 'Payment', component: 'deep', cashiiId: '1', msg: 'inside' });
    expect(lines[1]).not.toHaveProperty('requestId');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('carry trace_id, span_id and trace_flags of the active OpenTelemetry span', () => {
    const { log, lines } = capture();
    context.with(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(SPAN)), () => log.info('traced'));
    expect(lines[0]).toMatchObject({ trace_id: SPAN.traceId, span_id: SPAN.spanId, trace_flags: '01', msg: 'traced' });
    const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    context.with(trace.setSpan(ROOT_CONTEXT, invalid), () => log.info('no trace'));
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});
