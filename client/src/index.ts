/**
 * The typed client of the Cashii BFF, generated from `schema.graphql` and `client/operations/`:
 * TypedDocumentNodes and result/variable types (usable with Apollo Client, urql or any client that
 * understands TypedDocumentNode), named Apollo Client 4 hooks, and the return-URL helper.
 */
export * from './gql/graphql';
export * from './hooks';
export { confirmPaymentReturnInput } from './return-url';
