/**
 * GraphiQL served by the BFF itself, so the development IDE works without internet. The page
 * (rendered by Apollo's landing-page hook at GET /graphql) loads a prebuilt GraphiQL from
 * `/ide/<version>/`: @graphql-yoga/graphiql ships GraphiQL 5 with React and Monaco as one
 * browser bundle plus Monaco's workers, so no bundler and no CDN are needed at runtime. It is a
 * development dependency: an install without it gets a page that says what to do.
 */
import fs from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import path from 'node:path';

const PACKAGE = '@graphql-yoga/graphiql';
const JS = 'text/javascript; charset=utf-8';

/** The only files served, relative to the package's dist/ (nothing else of node_modules is reachable). */
const FILES: Readonly<Record<string, string>> = {
  'yoga-graphiql.umd.js': JS,
  'graphiql.css': 'text/css; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': JS,
  'monacoeditorwork/json.worker.bundle.js': JS,
  'monacoeditorwork/graphql.worker..bundle.js': JS,
};

/** Monaco asks for a worker by label; these are the ones GraphiQL uses. */
const WORKERS = {
  editorWorkerService: 'monacoeditorwork/editor.worker.bundle.js',
  json: 'monacoeditorwork/json.worker.bundle.js',
  graphql: 'monacoeditorwork/graphql.worker..bundle.js',
};

export interface GraphiQLPageOptions {
  title: string;
  /** The document the editor opens with (several operations: the Run button offers each). */
  document: string;
  variables: Record<string, unknown>;
  /** Shown in the header editor, sent with every request. */
  headers: Record<string, string>;
}

export class GraphiQLAssets {
  /** Versioned, so the browser may keep the files for good. */
  readonly base: string;

  private constructor(
    private readonly dist: string,
    readonly version: string,
  ) {
    this.base = `/ide/${version}/`;
  }

  /** The installed bundle, or null when the development dependency is missing. */
  static locate(): GraphiQLAssets | null {
    try {
      const manifest = require.resolve(`${PACKAGE}/package.json`);
      const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
      const dist = path.join(path.dirname(manifest), 'dist');
      return Object.keys(FILES).every((file) => fs.existsSync(path.join(dist, file))) ? new GraphiQLAssets(dist, version) : null;
    } catch {
      return null;
    }
  }

  /** Answers GET/HEAD for one of the files; false (nothing sent) when the request is for anything else. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = (req.url ?? '/').split('?')[0];
    if (!pathname.startsWith(this.base) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const file = pathname.slice(this.base.length);
    const type = Object.hasOwn(FILES, file) ? FILES[file] : undefined;
    if (!type) return false;
    const absolute = path.join(this.dist, file);
    res.writeHead(200, {
      'content-type': type,
      'content-length': fs.statSync(absolute).size,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else
      fs.createReadStream(absolute)
        .on('error', () => res.destroy())
        .pipe(res);
    return true;
  }

  /** The page: relative URLs, so it also works behind a proxy that mounts the BFF under a path. */
  page(options: GraphiQLPageOptions): string {
    const base = this.base.slice(1); // "ide/<version>/", resolved against /graphql
    const props = {
      title: escapeHtml(options.title),
      query: options.document,
      variables: JSON.stringify(options.variables, null, 2),
      headers: JSON.stringify(options.headers, null, 2),
      subscriptionsProtocol: 'WS', // graphql-ws on the same path
    };
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}graphiql.css">
<style>body { margin: 0; } #graphiql { height: 100dvh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script>
  var workers = ${inlineJson(WORKERS)};
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_module, label) {
      return new URL(workers[label] || workers.editorWorkerService, new URL(${inlineJson(base)}, location.href)).href;
    },
  };
</script>
<script src="${base}yoga-graphiql.umd.js"></script>
<script>
  YogaGraphiQL.renderYogaGraphiQL(
    document.getElementById('graphiql'),
    Object.assign({ endpoint: location.origin + location.pathname }, ${inlineJson(props)}),
  );
</script>
</body>
</html>
`;
  }
}

/** For an install without the development dependency (GRAPHQL_IDE=graphiql outside development). */
export function graphiqlMissingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><h1>GraphiQL is not installed</h1>
<p>The development IDE comes from the development dependency <code>${PACKAGE}</code>: run <code>npm install</code>
(without <code>--omit=dev</code>), or set <code>GRAPHQL_IDE=sandbox</code> for Apollo Sandbox (it needs internet).</p></body></html>
`;
}

/**
 * Puts the asset route in front of the server's own request handler: requests for the files
 * above are answered here, everything else goes on unchanged.
 */
export function serveGraphiQLAssets(server: Server, assets: GraphiQLAssets): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (assets.serve(req, res)) return;
    for (const handler of handlers) handler.call(server, req, res);
  });
}

/** JSON that is safe inside a <script> element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
