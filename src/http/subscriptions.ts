/**
 * graphql-ws on the same `/graphql` path as HTTP. The viewer is authenticated once per connection
 * (from `connectionParams.authorization`, or the upgrade request's headers), operations pass the
 * same limit rules as HTTP, and errors go through the same formatter (codes kept, internals masked).
 */
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { GraphQLContext, Viewer } from '../graphql/context';
import type { TrustedDocuments } from '../graphql/trusted-documents';

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  authenticate: (headers: IncomingHttpHeaders) => Promise<Viewer>;
  context: (viewer: Viewer, request: IncomingMessage) => GraphQLContext;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  trusted: TrustedDocuments;
}

type ConnectionExtra = {
  request: IncomingMessage;
  viewer?: Viewer;
};

export function attachSubscriptions(server: Server, options: SubscriptionServerOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 64 * 1024 });
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));
  const rules = [...specifiedRules, ...options.validationRules];

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: options.schema,
      validate: (schema, document) => validate(schema, document, rules),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const headers: IncomingHttpHeaders = { ...ctx.extra.request.headers };
        if (typeof params.authorization === 'string') headers.authorization = params.authorization;
        if (typeof params['x-dev-user'] === 'string') headers['x-dev-user'] = params['x-dev-user'];
        try {
          ctx.extra.viewer = await options.authenticate(headers);
          return true;
        } catch {
          return false; // closes with 4403 Forbidden
        }
      },
      onSubscribe: (_ctx, _id, payload) => {
        const trusted = options.trusted.resolve(payload);
        if (!trusted.ok) return [new GraphQLError(trusted.message, { extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED' } })];
        // A hash-only subscribe message gets its document from the manifest.
        (payload as { query: string }).query = (trusted.body as { query: string }).query;
        return undefined;
      },
      context: (ctx) => options.context(ctx.extra.viewer!, ctx.extra.request),
      onError: (_ctx, _id, _payload, errors) => format(errors),
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
