/**
 * Which IDE a browser gets at GET /graphql: GraphiQL served by the BFF (works offline, the
 * default), Apollo Sandbox (loaded from Apollo's CDN), or none. Production shows none.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config } from '../config';
import { GraphiQLAssets, graphiqlMissingPage } from '../http/graphiql';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from './sandbox-example';

export const IDE_CHOICES = ['graphiql', 'sandbox', 'off'] as const;
export type IdeChoice = (typeof IDE_CHOICES)[number];

/** The configured IDE (GRAPHQL_IDE); never one in production. */
export function ideOf(config: Pick<Config, 'production' | 'graphql'>): IdeChoice {
  return config.production ? 'off' : config.graphql.ide;
}

/** What the header editor opens with: how this BFF is told who the viewer is. */
export function exampleHeaders(authMode: Config['auth']['mode']): Record<string, string> {
  return authMode === 'dev' ? { 'X-Dev-User': 'alice' } : { Authorization: 'Bearer <a token from your auth provider>' };
}

/** The landing page plugin for Apollo: the chosen IDE, opened on the ready example operations. */
export function ideLandingPage(ide: IdeChoice, headers: Record<string, string>): ApolloServerPlugin {
  if (ide === 'off') return ApolloServerPluginLandingPageDisabled();
  if (ide === 'sandbox') {
    return ApolloServerPluginLandingPageLocalDefault({ embed: true, document: SANDBOX_DOCUMENT, variables: SANDBOX_VARIABLES, headers });
  }
  const assets = GraphiQLAssets.locate();
  const html = assets
    ? assets.page({ title: 'Cashii BFF · GraphiQL', document: SANDBOX_DOCUMENT, variables: SANDBOX_VARIABLES, headers })
    : graphiqlMissingPage();
  return {
    serverWillStart: () => Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) }),
  };
}
