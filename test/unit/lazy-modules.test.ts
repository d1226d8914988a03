/**
 * What a BFF loads and never runs still costs heap: the OpenTelemetry SDK with its exporters is
 * about 450 modules, ioredis 55, pg 13. They are loaded only by the BFF that uses them (an exporter
 * configured, REDIS_URL, PostgreSQL). Checked in a fresh Node process (Jest's own module registry
 * does not show what Node loaded): the app's whole module graph, as src/main.ts imports it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Packages loaded only when used. */
const LAZY = ['@opentelemetry/sdk-node', '@opentelemetry/instrumentation-http', 'ioredis', 'pg'];

/** Loads src/observability/tracing.ts then src/app.ts (what src/main.ts does before it starts anything) and lists the packages of LAZY that Node loaded. */
function loadedWith(env: Record<string, string>): string[] {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'src', 'observability', 'tracing.ts'))});
    require(${JSON.stringify(path.join(ROOT, 'src', 'app.ts'))});
    const lazy = ${JSON.stringify(LAZY)};
    const loaded = lazy.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
    process.stdout.write(JSON.stringify(loaded));`;
  const child = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`the module graph did not load: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

describe('modules a BFF does not use are not loaded', () => {
  it('without an exporter, REDIS_URL or PostgreSQL, none of the SDK, its instrumentations, ioredis or pg', () => {
    expect(loadedWith({})).toEqual([]);
  });

  it('with an exporter configured, the SDK and its instrumentations load before the app (so they patch http and graphql)', () => {
    // `none` would switch tracing off; `console` is an exporter that needs no collector.
    expect(loadedWith({ OTEL_TRACES_EXPORTER: 'console' })).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-node', '@opentelemetry/instrumentation-http']),
    );
  });
});
