/**
 * Everything of the typed client in one module, for code in this repository that imports it by path
 * (`client/src`): the core entry, the back-office documents, the named Apollo Client 4 hooks and the
 * cache's typePolicies. The package splits these into entries (package.json `exports`) so that the
 * core needs no React and a shop's bundle carries no operator documents.
 */
export * from './core.js';
export * from './back-office.js';
export * from './hooks.js';
export { typePolicies } from './apollo.js';
