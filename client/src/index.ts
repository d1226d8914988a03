/**
 * Everything of the typed client in one module, for code in this repository that imports it by path
 * (`client/src`): the core entry, the named Apollo Client 4 hooks and the cache's typePolicies. The
 * package splits these into entries (package.json `exports`) so that the core needs no React.
 */
export * from './core';
export * from './hooks';
export { typePolicies } from './apollo';
