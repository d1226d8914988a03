/**
 * The checks between keys: what production refuses, and combinations that cannot work anywhere.
 * Each problem names the setting to change.
 */
import fs from 'node:fs';
import type { Config } from '.';
import type { Settings } from './schema';

export function crossCheck(s: Settings, config: Config): string[] {
  return [...cashiiProblems(s, config), ...originProblems(config), ...authProblems(config), ...graphqlProblems(config)];
}

function cashiiProblems(s: Settings, config: Config): string[] {
  const problems: string[] = [];
  if (config.production && s.CASHII_API_KEY === '') problems.push('CASHII_API_KEY is missing: production needs a real Cashii API key');
  if (config.production && s.CASHII_SIMULATOR === 'on') {
    problems.push('CASHII_SIMULATOR=on is not allowed in production: the simulator moves no money');
  }
  if (!config.production && !config.simulator.enabled && s.CASHII_API_KEY === '') {
    problems.push('CASHII_API_KEY is missing and CASHII_SIMULATOR=off');
  }
  if (config.production && !isHttpsOrLoopback(config.cashii.apiBaseUrl)) {
    problems.push('CASHII_API_BASE_URL must be https:// in production (http only on loopback): the API key travels with every call');
  }
  return problems;
}

function originProblems({ production, payments, cors }: Config): string[] {
  const problems: string[] = [];
  if (production && payments.redirectOrigins.length === 0) {
    problems.push('REDIRECT_ALLOWED_ORIGINS is missing: production must name the origins users return to');
  }
  if (production && payments.redirectOrigins.some((origin) => origin.startsWith('http://'))) {
    problems.push('REDIRECT_ALLOWED_ORIGINS must list only https:// origins in production (no wildcards, no http)');
  }
  if (production && cors.allowAnyOrigin) {
    problems.push('CORS_ALLOWED_ORIGINS=* is not allowed in production: list the exact origins of your web apps');
  }
  if (cors.allowAnyOrigin && cors.allowCredentials) {
    problems.push('CORS_ALLOW_CREDENTIALS=true cannot go with CORS_ALLOWED_ORIGINS=*: list exact origins');
  }
  if (production && cors.allowedOrigins.some((origin) => origin.startsWith('http://'))) {
    problems.push('CORS_ALLOWED_ORIGINS must list only https:// origins in production');
  }
  return problems;
}

function authProblems({ production, auth }: Config): string[] {
  if (auth.mode === 'dev') {
    return production ? ['AUTH_MODE=dev is not allowed in production: every request would act as a development user'] : [];
  }
  const problems: string[] = [];
  if ((auth.jwksUrl === null) === (auth.secret === null))
    problems.push('AUTH_MODE=jwt needs exactly one of AUTH_JWKS_URL or AUTH_JWT_SECRET');
  if (production && auth.jwksUrl !== null && !auth.jwksUrl.startsWith('https:')) {
    problems.push('AUTH_JWKS_URL must be a https: URL in production: the keys that sign tokens travel over it');
  }
  if (auth.secret !== null && auth.secret.length < 32) problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  if (auth.issuer === '') problems.push('AUTH_ISSUER is missing: tokens must name their issuer');
  if (auth.audience === '') problems.push('AUTH_AUDIENCE is missing: tokens must be meant for this API');
  if (auth.algorithms.some((alg) => alg.toLowerCase() === 'none')) problems.push('AUTH_ALGORITHMS must not include none');
  return problems;
}

function graphqlProblems({ production, graphql }: Config): string[] {
  const problems: string[] = [];
  if (production && graphql.ide !== 'off') problems.push(`GRAPHQL_IDE=${graphql.ide} is not allowed in production`);
  if (production && graphql.introspection) problems.push('GRAPHQL_INTROSPECTION=true is not allowed in production');
  if (graphql.trustedDocumentsOnly) {
    // Several manifests (web, iOS, Android), separated by commas: each must exist.
    for (const file of graphql.trustedDocumentsFile
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)) {
      if (!fs.existsSync(file))
        problems.push(
          `GRAPHQL_TRUSTED_DOCUMENTS_ONLY=true but ${file} (GRAPHQL_TRUSTED_DOCUMENTS_FILE) does not exist (run npm run codegen)`,
        );
    }
  }
  return problems;
}

/** https, or http to this machine only (a local proxy or test double: nothing crosses a network in clear). */
function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
