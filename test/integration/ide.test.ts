/**
 * The development IDE: GraphiQL by default, served with its files by the BFF (no CDN), Apollo
 * Sandbox on request, none in production. The browser run is test/e2e/graphiql.test.ts.
 */
import { HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { createApollo } from '../../src/graphql/apollo';
import type { IdeChoice } from '../../src/graphql/ide';
import { type TestStack, startStack } from '../support/stack';

describe('GRAPHQL_IDE', () => {
  it('defaults to GraphiQL outside production and to none in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).graphql.ide).toBe('graphiql');
    expect(loadConfig({ NODE_ENV: 'development', GRAPHQL_IDE: 'sandbox' }).graphql.ide).toBe('sandbox');
  });

  it('refuses an IDE in production and names unknown values', () => {
    const production = { NODE_ENV: 'production', CASHII_API_KEY: 'k'.repeat(20), REDIRECT_ALLOWED_ORIGINS: 'https://shop.example' };
    expect(() => loadConfig({ ...production, GRAPHQL_IDE: 'graphiql' })).toThrow(/GRAPHQL_IDE=graphiql is not allowed in production/);
    expect(() => loadConfig({ NODE_ENV: 'development', GRAPHQL_IDE: 'playground' })).toThrow(/GRAPHQL_IDE/);
  });
});

describe('the landing page Apollo serves a browser', () => {
  const landing = async (ide: IdeChoice, env: Record<string, string> = {}, production = false) => {
    const base = loadConfig({ NODE_ENV: 'test', ...env });
    const config = { ...base, production, graphql: { ...base.graphql, ide } };
    const apollo = createApollo({ schema: buildSchema('type Query { a: Int }'), config, formatError: (f) => f, validationRules: [] });
    await apollo.start();
    try {
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'GET', headers: new HeaderMap([['accept', 'text/html']]), search: '', body: undefined },
        context: () => Promise.resolve({} as never),
      });
      return { type: result.headers.get('content-type'), html: result.body.kind === 'complete' ? result.body.string : '' };
    } finally {
      await apollo.stop();
    }
  };

  it('is Apollo Sandbox (from its CDN) when asked for, with the example operations', async () => {
    const { html } = await landing('sandbox');
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('mutation CreatePayment');
  });

  it('is GraphiQL from the BFF itself, with the example operations, variables and headers', async () => {
    const { type, html } = await landing('graphiql', { AUTH_MODE: 'dev' });
    expect(type).toBe('text/html');
    expect(html).toMatch(/<script src="ide\/\d+\.\d+\.\d+\/yoga-graphiql\.umd\.js">/);
    expect(html).toContain('mutation CreatePayment');
    expect(html).toContain('\\"amount\\": 3000000000');
    expect(html).toContain('X-Dev-User');
    // Nothing loaded from another host: every src and href is relative (or data:).
    expect([...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((url) => !/^(ide\/|data:)/.test(url))).toEqual([]);
  });

  it('is nothing in production, whatever is asked', async () => {
    for (const ide of ['graphiql', 'sandbox'] as const) expect((await landing(ide, {}, true)).type).not.toContain('text/html');
  });
});

describe('the GraphiQL files', () => {
  let stack: TestStack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack('sqlite');
    const html = await (await fetch(`${stack.app.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    base = `${stack.app.url}/${/src="(ide\/[^"]+\/)yoga-graphiql\.umd\.js"/.exec(html)![1]}`;
  });
  afterAll(() => stack.close());

  it('are served by the BFF, typed and cacheable for good (the URL carries the version)', async () => {
    for (const [file, type] of [
      ['yoga-graphiql.umd.js', 'text/javascript'],
      ['graphiql.css', 'text/css'],
      ['monacoeditorwork/editor.worker.bundle.js', 'text/javascript'],
    ]) {
      const response = await fetch(base + file);
      expect([file, response.status, response.headers.get('content-type')]).toEqual([file, 200, `${type}; charset=utf-8`]);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Number(response.headers.get('content-length'))).toBe((await response.arrayBuffer()).byteLength);
    }
    expect((await fetch(base + 'graphiql.css', { method: 'HEAD' })).status).toBe(200);
  });

  it('are only those files: nothing else of node_modules is reachable', async () => {
    for (const path of ['../package.json', '%2e%2e/package.json', 'yoga-graphiql.es.js', '', 'graphiql.css/']) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 404]);
    }
    expect((await fetch(base + 'graphiql.css', { method: 'POST' })).status).not.toBe(200);
  });
});
