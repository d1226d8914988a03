/**
 * The back-office entry of `@cashii/bff-client` (`@cashii/bff-client/back-office`): the operators'
 * documents (client/operations/back-office/) and their types. Operator tokens only: anyone else gets
 * FORBIDDEN. Kept apart from the core entry so that a shop's bundle never carries them.
 */
export type {
  CreateState,
  RecheckPaymentMutation,
  RecheckPaymentMutationVariables,
  ResolvePaymentReviewMutation,
  ResolvePaymentReviewMutationVariables,
  ReviewQueueQuery,
  ReviewQueueQueryVariables,
  ReviewReason,
  ReviewResolution,
} from './gql/graphql.js';
export { RecheckPaymentDocument, ResolvePaymentReviewDocument, ReviewQueueDocument } from './gql/graphql.js';
