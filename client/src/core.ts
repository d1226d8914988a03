/**
 * The core entry of `@cashii/bff-client`: the shop's typed documents, the result/variable types of
 * every operation, the server's error codes with `isErrorCode`, and the return-URL helper. No React
 * and no Apollo Client: it runs in Node, in a worker, or with urql or plain fetch. The operators'
 * documents are the `@cashii/bff-client/back-office` entry. Each export is free of side effects, so
 * a bundler keeps only what an app imports (`isErrorCode` alone is a few hundred bytes).
 */
export type * from './gql/graphql.js';
export {
  ConfirmPaymentReturnDocument,
  CreateRemotePaymentDocument,
  OrderDocument,
  PaymentDocument,
  PaymentFieldsFragmentDoc,
  PaymentStatusChangedDocument,
  PaymentsDocument,
} from './gql/graphql.js';
export { ERROR_CODES, type ErrorCode, errorCodeOf, isErrorCode } from './error-codes.js';
export { confirmPaymentReturnInput } from './return-url.js';
