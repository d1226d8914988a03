/**
 * The core entry of `@cashii/bff-client`: typed documents and their result/variable types, the
 * server's error codes with `isErrorCode`, and the return-URL helper. No React and no Apollo
 * Client: it runs in Node, in a worker, or with urql or plain fetch.
 */
export * from './gql/graphql';
export { ERROR_CODES, type ErrorCode, errorCodeOf, isErrorCode } from './error-codes';
export { confirmPaymentReturnInput } from './return-url';
