/**
 * graphql-ws on the same `/graphql` path as HTTP. The viewer is authenticated once per connection
 * (from `connectionParams.authorization`, or the upgrade request's headers), operations pass the
 * same limit rules as HTTP, and errors go through the same formatter (codes kept, internals masked).
 */
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import {
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Clock, systemClock } from '../common/clock';
import type { GraphQLContext, Viewer } from '../graphql/context';
import type { TrustedDocuments } from '../graphql/trusted-documents';

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  authenticate: (headers: IncomingHttpHeaders) => Promise<Viewer>;
  context: (viewer: Viewer, request: IncomingMessage) => GraphQLContext;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  trusted: TrustedDocuments;
  /** Parse limits (max tokens), as Apollo applies them over HTTP. */
  parseOptions: ParseOptions;
  /** The Origin check: browsers apply no CORS to WebSockets, so a page on a refused origin is turned away here (403). */
  allowUpgrade: (request: IncomingMessage) => boolean;
  maxPerConnection: number;
  /** Time for the token expiry timers (tests move a manual one); the machine's by default. */
  clock?: Clock;
}

type ConnectionExtra = {
  request: IncomingMessage;
  socket: WebSocket;
  viewer?: Viewer;
  /** Ids of this connection's running subscriptions. */
  active?: Set<string>;
  expiry?: { cancel(): void };
};

export function attachSubscriptions(server: Server, options: SubscriptionServerOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: 64 * 1024,
    verifyClient: ({ req }, done) => (options.allowUpgrade(req) ? done(true) : done(false, 403, 'Origin not allowed')),
  });
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));
  const rules = [...specifiedRules, ...options.validationRules];
  const clock = options.clock ?? systemClock;

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: options.schema,
      validate: (schema, document) => validate(schema, document, rules),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const headers: IncomingHttpHeaders = { ...ctx.extra.request.headers };
        if (typeof params.authorization === 'string') headers.authorization = params.authorization;
        if (typeof params['x-dev-user'] === 'string') headers['x-dev-user'] = params['x-dev-user'];
        if (typeof params['x-dev-operator'] === 'string') headers['x-dev-operator'] = params['x-dev-operator'];
        try {
          ctx.extra.viewer = await options.authenticate(headers);
        } catch {
          return false; // closes with 4403 Forbidden
        }
        ctx.extra.active = new Set();
        const expiresAt = ctx.extra.viewer.expiresAt;
        if (expiresAt !== undefined) {
          // A token is only good until it expires: the connection is too. The Clock's timer waits however
          // long that is (one Node timer would overflow past ~24.8 days and close the connection at once).
          ctx.extra.expiry = clock.setTimeout(() => ctx.extra.socket.close(4403, 'Token expired'), expiresAt - clock.now());
        }
        return true;
      },
      onDisconnect: (ctx) => ctx.extra.expiry?.cancel(),
      onClose: (ctx) => ctx.extra.expiry?.cancel(),
      onComplete: (ctx, id) => void ctx.extra.active?.delete(id),
      onSubscribe: (ctx, id, payload) => {
        const active = ctx.extra.active!;
        if (active.size >= options.maxPerConnection) {
          return [
            new GraphQLError(`At most ${options.maxPerConnection} subscriptions per connection`, { extensions: { code: 'RATE_LIMITED' } }),
          ];
        }
        const trusted = options.trusted.resolve(payload);
        if (!trusted.ok) return [new GraphQLError(trusted.message, { extensions: { code: trusted.code } })];
        // A message that sends the hash with an empty query gets its document from the manifest.
        const query = (trusted.body as { query: string }).query;
        (payload as { query: string }).query = query;
        // The same token limit as over HTTP, before graphql-ws parses it: a flood costs nothing.
        try {
          parse(query, options.parseOptions);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        active.add(id);
        return undefined;
      },
      context: (ctx) => options.context(ctx.extra.viewer!, ctx.extra.request),
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.active?.delete(id);
        return format(errors);
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
    },
    wss,
  );

  return {
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
