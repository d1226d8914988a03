/** The React entry of `@cashii/bff-client` (`@cashii/bff-client/react`): named Apollo Client 4 hooks. */
export * from './hooks.js';
