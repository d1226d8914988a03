/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What the frontend's return page found in its URL after Cashii sent the user back. */
export type ConfirmPaymentReturnInput = {
  /** Our reference to the payment: the `cashii_ref` query parameter of the return URL. */
  reference: string;
  /** Cashii's `signature` query parameter, kept for audit. */
  signature: string;
  /** Cashii's `status` query parameter: a hint only, never trusted. */
  status: string;
  /** Cashii's `transaction_id` query parameter. */
  transactionId: string;
};

/** An order to turn into a Cashii Remote Payment. */
export type CreateRemotePaymentInput = {
  /** Amount in the smallest currency unit (10098 USD = 100.98 USD); a whole number from 1. */
  amount: number;
  /** ISO 4217 currency code in upper case, on the allowed list (e.g. SYP, USD, EUR, TRY). */
  currency: string;
  /** Same key + same input => the same payment, never a second one (1-255 printable ASCII characters, kept at least 24 hours). Reusing a key with another input is IDEMPOTENCY_KEY_REUSED. */
  idempotencyKey?: string | null | undefined;
  /** Free JSON object passed to Cashii (at most 8 KB serialised, depth 5). */
  metadata?: Record<string, unknown> | null | undefined;
  /** Short memo shown to the payer and the merchant (at most 500 characters). */
  note?: string | null | undefined;
  /** The merchant's own order reference (at most 128 characters). */
  orderId?: string | null | undefined;
  /** Only this 16-digit Cashii account may pay. */
  payableTo?: string | null | undefined;
  /** Where Cashii sends the user back after paying; an absolute http(s) URL on an allowed origin. */
  redirectUrl: string;
};

/** Where the create call to Cashii stands. */
export type CreateState =
  /** Cashii created it; its id is known. */
  | 'CREATED'
  /** Cashii certainly created nothing. */
  | 'FAILED'
  /** Being sent to Cashii now. */
  | 'SENDING'
  /** Cashii may have created it; its id was never learnt. */
  | 'UNKNOWN';

/** Where an order stands; it is paid at most once. */
export type OrderStatus =
  /** A payment was handed out (resume it with its paymentUrl); Cashii has not seen it paid yet. */
  | 'AWAITING_PAYMENT'
  /** One of its payments waits for the merchant's operators (another amount, a second payment to refund, ...). */
  | 'NEEDS_REVIEW'
  /** Paid, as confirmed with Cashii. A new payment for this order is refused with ORDER_ALREADY_PAID. */
  | 'PAID'
  /** Paid, then refunded. */
  | 'REFUNDED'
  /** No payment is waiting: none yet, or the last one was canceled, rejected or failed. */
  | 'UNPAID';

/** What caused an event of a payment history. Customers see the status changes; operators see every event. */
export type PaymentEventSource =
  /** The payment was created. */
  | 'CREATE'
  /** An operator had the payment re-read from Cashii (operators only). */
  | 'OPERATOR_RECHECK'
  /** An operator closed the review (operators only). */
  | 'OPERATOR_RESOLVE'
  /** A read confirmed a new status with Cashii. */
  | 'READ'
  /** The background reconciler confirmed a new status with Cashii. */
  | 'RECONCILE'
  /** A confirmed return from the payment page. */
  | 'RETURN'
  /** The payment was put in the review queue (operators only; the note says why). */
  | 'REVIEW';

/** Where a payment stands in Cashii's lifecycle: PENDING -> PAID | CANCELED | REJECTED; PAID -> REFUNDED. */
export type PaymentStatus =
  /** Canceled by the user. Final. */
  | 'CANCELED'
  /** Paid, as confirmed with Cashii by the server. */
  | 'PAID'
  /** Created; the user has not paid yet. */
  | 'PENDING'
  /** Paid, then refunded. Final. */
  | 'REFUNDED'
  /** The payment attempt was rejected (funds, security checks). Final. */
  | 'REJECTED';

/** Why a payment waits in the back office's review queue. */
export type ReviewReason =
  /** Cashii reports another amount or currency than the order. */
  | 'AMOUNT_MISMATCH'
  /** Its order was already paid by another payment: refund this one. */
  | 'DUPLICATE_PAYMENT'
  /** A Cashii id recovered from the create journal that does not match the record: check it at Cashii. */
  | 'RECOVERED_ID'
  /** Still pending past the reconciler's horizon: no longer polled. */
  | 'STALE'
  /** Cashii now reports a status the stored one cannot move to (e.g. paid after rejected, or rejected after paid): check it at Cashii. */
  | 'STATUS_CONFLICT'
  /** Paid after a newer payment replaced it (the cart changed): refund it. */
  | 'SUPERSEDED_PAID'
  /** A create whose outcome stayed unknown past the Cashii deadline: Cashii may hold an orphaned payment. */
  | 'UNKNOWN_CREATE';

/** How an operator closed a review. */
export type ReviewResolution =
  /** The payment counts as paid as it is (it may then pay its order). */
  | 'ACCEPTED_AS_PAID'
  /** The money was given back outside this API (Cashii has no refund API). */
  | 'REFUNDED_OUTSIDE'
  /** Nothing more will be done (an orphaned or abandoned payment). */
  | 'WRITTEN_OFF';

export type RecheckPaymentMutationVariables = Exact<{
  id: string;
}>;


export type RecheckPaymentMutation = { __typename: 'Mutation', recheckPayment: { __typename: 'ReviewedPayment', reference: string, queueReason: ReviewReason | null, payment: { __typename: 'RemotePayment', id: string, status: PaymentStatus } | null } };

export type ResolvePaymentReviewMutationVariables = Exact<{
  id: string;
  resolution: ReviewResolution;
  note: string;
}>;


export type ResolvePaymentReviewMutation = { __typename: 'Mutation', resolvePaymentReview: { __typename: 'ReviewedPayment', reference: string, queueReason: ReviewReason | null, resolution: ReviewResolution | null, resolvedBy: string | null, resolvedAt: string | null, history: Array<{ __typename: 'OperatorEvent', source: PaymentEventSource, actor: string | null, note: string | null, at: string }> } };

export type ReviewQueueQueryVariables = Exact<{
  reason?: ReviewReason | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ReviewQueueQuery = { __typename: 'Query', reviewQueue: { __typename: 'ReviewQueueConnection', edges: Array<{ __typename: 'ReviewQueueEdge', cursor: string, node: { __typename: 'ReviewedPayment', reference: string, ownerId: string, orderId: string | null, amount: number, currency: string, createState: CreateState, queueReason: ReviewReason | null, reviewReason: string | null, superseded: boolean, createdAt: string, payment: { __typename: 'RemotePayment', id: string, status: PaymentStatus, paymentUrl: string } | null } }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type ConfirmPaymentReturnMutationVariables = Exact<{
  input: ConfirmPaymentReturnInput;
  locale?: string;
}>;


export type ConfirmPaymentReturnMutation = { __typename: 'Mutation', confirmPaymentReturn: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null, events: Array<{ __typename: 'PaymentEvent', from: PaymentStatus | null, to: PaymentStatus, source: PaymentEventSource, at: string }> } };

export type CreateRemotePaymentMutationVariables = Exact<{
  input: CreateRemotePaymentInput;
  locale?: string;
}>;


export type CreateRemotePaymentMutation = { __typename: 'Mutation', createRemotePayment: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null } };

export type OrderQueryVariables = Exact<{
  orderId: string;
  locale?: string;
}>;


export type OrderQuery = { __typename: 'Query', order: { __typename: 'Order', orderId: string, status: OrderStatus, paidPayment: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null } | null, payments: Array<{ __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null }> } | null };

export type PaymentFieldsFragment = { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null };

export type PaymentStatusChangedSubscriptionVariables = Exact<{
  id: string;
  locale?: string;
}>;


export type PaymentStatusChangedSubscription = { paymentStatusChanged: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null, events: Array<{ __typename: 'PaymentEvent', from: PaymentStatus | null, to: PaymentStatus, source: PaymentEventSource, at: string }> } };

export type PaymentQueryVariables = Exact<{
  id: string;
  locale?: string;
}>;


export type PaymentQuery = { __typename: 'Query', payment: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null, events: Array<{ __typename: 'PaymentEvent', from: PaymentStatus | null, to: PaymentStatus, source: PaymentEventSource, at: string }> } | null };

export type PaymentsQueryVariables = Exact<{
  first?: number;
  after?: string | null | undefined;
  status?: PaymentStatus | null | undefined;
  locale?: string;
}>;


export type PaymentsQuery = { __typename: 'Query', payments: { __typename: 'PaymentConnection', edges: Array<{ __typename: 'PaymentEdge', cursor: string, node: { __typename: 'RemotePayment', id: string, amount: number, currency: string, currencyExponent: number, amountDecimal: string, formattedAmount: string, status: PaymentStatus, paymentUrl: string, orderId: string | null, note: string | null, from: string | null, transactionId: string | null, needsReview: boolean, reviewReason: string | null, createdAt: string, updatedAt: string, verifiedAt: string | null } }>, pageInfo: { __typename: 'PageInfo', endCursor: string | null, hasNextPage: boolean } } };

export const PaymentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<PaymentFieldsFragment, unknown>;
export const RecheckPaymentDocument = {"__meta__":{"hash":"sha256:d0089693e1f4f24f56af5356081a0387a7cc8e8e9cee533d1a080b7440dafc35"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecheckPayment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recheckPayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"queueReason"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<RecheckPaymentMutation, RecheckPaymentMutationVariables>;
export const ResolvePaymentReviewDocument = {"__meta__":{"hash":"sha256:159fd27467b90232c6ebc317fde830f14269404dd0342fd2bf6fc7e5649b5c1a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResolvePaymentReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resolution"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReviewResolution"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"note"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"resolvePaymentReview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"resolution"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resolution"}}},{"kind":"Argument","name":{"kind":"Name","value":"note"},"value":{"kind":"Variable","name":{"kind":"Name","value":"note"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"queueReason"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}}]} as unknown as DocumentNode<ResolvePaymentReviewMutation, ResolvePaymentReviewMutationVariables>;
export const ReviewQueueDocument = {"__meta__":{"hash":"sha256:acdafadf8773dde08805785595c6be2b3463f403962422c4062bfa10b0436760"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewQueue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ReviewReason"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reviewQueue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"createState"}},{"kind":"Field","name":{"kind":"Name","value":"queueReason"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"superseded"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const ConfirmPaymentReturnDocument = {"__meta__":{"hash":"sha256:88e783dc591a767441bf51b49b135ce8a2489010d7232190aefcea5f209f4da2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmPaymentReturn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConfirmPaymentReturnInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"confirmPaymentReturn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<ConfirmPaymentReturnMutation, ConfirmPaymentReturnMutationVariables>;
export const CreateRemotePaymentDocument = {"__meta__":{"hash":"sha256:c0fe0253dae3feb8f4e964f33efe39932cebbe2da675e8b67f52e5750cdd97ef"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateRemotePayment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRemotePaymentInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createRemotePayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<CreateRemotePaymentMutation, CreateRemotePaymentMutationVariables>;
export const OrderDocument = {"__meta__":{"hash":"sha256:25e686f33d41b730fdd65a0b387baa69984b4a991335c4b903ee8e750491d987"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Order"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paidPayment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<OrderQuery, OrderQueryVariables>;
export const PaymentStatusChangedDocument = {"__meta__":{"hash":"sha256:d88db0d944e0de9cd873864c6aef77640d25d2cab547e4acac0f93cfa7fc342d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PaymentStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<PaymentStatusChangedSubscription, PaymentStatusChangedSubscriptionVariables>;
export const PaymentDocument = {"__meta__":{"hash":"sha256:732d9c4b705ed87de56ce026a3bc7c185a31340a158735218626c245f0a89a36"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Payment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<PaymentQuery, PaymentQueryVariables>;
export const PaymentsDocument = {"__meta__":{"hash":"sha256:ccdf8fa6ce36e90e7db0f9336883c32fa4ed18fac065dba5efff419d4c5a2555"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Payments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PaymentStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},"defaultValue":{"kind":"StringValue","value":"en-US","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PaymentFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PaymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RemotePayment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"currencyExponent"}},{"kind":"Field","name":{"kind":"Name","value":"amountDecimal"}},{"kind":"Field","name":{"kind":"Name","value":"formattedAmount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"transactionId"}},{"kind":"Field","name":{"kind":"Name","value":"needsReview"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}}]}}]} as unknown as DocumentNode<PaymentsQuery, PaymentsQueryVariables>;