/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation RecheckPayment($id: ID!) {\n  recheckPayment(id: $id) {\n    reference\n    queueReason\n    payment {\n      id\n      status\n    }\n  }\n}": typeof types.RecheckPaymentDocument,
    "mutation ResolvePaymentReview($id: ID!, $resolution: ReviewResolution!, $note: String!) {\n  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) {\n    reference\n    queueReason\n    resolution\n    resolvedBy\n    resolvedAt\n    history {\n      source\n      actor\n      note\n      at\n    }\n  }\n}": typeof types.ResolvePaymentReviewDocument,
    "query ReviewQueue($reason: ReviewReason, $first: Int = 20, $after: String) {\n  reviewQueue(reason: $reason, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        reference\n        ownerId\n        orderId\n        amount\n        currency\n        createState\n        queueReason\n        reviewReason\n        superseded\n        createdAt\n        payment {\n          id\n          status\n          paymentUrl\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ReviewQueueDocument,
    "mutation ConfirmPaymentReturn($input: ConfirmPaymentReturnInput!, $locale: String! = \"en-US\") {\n  confirmPaymentReturn(input: $input) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": typeof types.ConfirmPaymentReturnDocument,
    "mutation CreateRemotePayment($input: CreateRemotePaymentInput!, $locale: String! = \"en-US\") {\n  createRemotePayment(input: $input) {\n    ...PaymentFields\n  }\n}": typeof types.CreateRemotePaymentDocument,
    "query Order($orderId: String!, $locale: String! = \"en-US\") {\n  order(orderId: $orderId) {\n    orderId\n    status\n    paidPayment {\n      ...PaymentFields\n    }\n    payments {\n      ...PaymentFields\n    }\n  }\n}": typeof types.OrderDocument,
    "fragment PaymentFields on RemotePayment {\n  id\n  amount\n  currency\n  currencyExponent\n  amountDecimal\n  formattedAmount(locale: $locale)\n  status\n  paymentUrl\n  orderId\n  note\n  from\n  transactionId\n  needsReview\n  reviewReason\n  createdAt\n  updatedAt\n  verifiedAt\n}": typeof types.PaymentFieldsFragmentDoc,
    "subscription PaymentStatusChanged($id: ID!, $locale: String! = \"en-US\") {\n  paymentStatusChanged(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": typeof types.PaymentStatusChangedDocument,
    "query Payment($id: ID!, $locale: String! = \"en-US\") {\n  payment(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": typeof types.PaymentDocument,
    "query Payments($first: Int! = 20, $after: String, $status: PaymentStatus, $locale: String! = \"en-US\") {\n  payments(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...PaymentFields\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}": typeof types.PaymentsDocument,
};
const documents: Documents = {
    "mutation RecheckPayment($id: ID!) {\n  recheckPayment(id: $id) {\n    reference\n    queueReason\n    payment {\n      id\n      status\n    }\n  }\n}": types.RecheckPaymentDocument,
    "mutation ResolvePaymentReview($id: ID!, $resolution: ReviewResolution!, $note: String!) {\n  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) {\n    reference\n    queueReason\n    resolution\n    resolvedBy\n    resolvedAt\n    history {\n      source\n      actor\n      note\n      at\n    }\n  }\n}": types.ResolvePaymentReviewDocument,
    "query ReviewQueue($reason: ReviewReason, $first: Int = 20, $after: String) {\n  reviewQueue(reason: $reason, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        reference\n        ownerId\n        orderId\n        amount\n        currency\n        createState\n        queueReason\n        reviewReason\n        superseded\n        createdAt\n        payment {\n          id\n          status\n          paymentUrl\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ReviewQueueDocument,
    "mutation ConfirmPaymentReturn($input: ConfirmPaymentReturnInput!, $locale: String! = \"en-US\") {\n  confirmPaymentReturn(input: $input) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": types.ConfirmPaymentReturnDocument,
    "mutation CreateRemotePayment($input: CreateRemotePaymentInput!, $locale: String! = \"en-US\") {\n  createRemotePayment(input: $input) {\n    ...PaymentFields\n  }\n}": types.CreateRemotePaymentDocument,
    "query Order($orderId: String!, $locale: String! = \"en-US\") {\n  order(orderId: $orderId) {\n    orderId\n    status\n    paidPayment {\n      ...PaymentFields\n    }\n    payments {\n      ...PaymentFields\n    }\n  }\n}": types.OrderDocument,
    "fragment PaymentFields on RemotePayment {\n  id\n  amount\n  currency\n  currencyExponent\n  amountDecimal\n  formattedAmount(locale: $locale)\n  status\n  paymentUrl\n  orderId\n  note\n  from\n  transactionId\n  needsReview\n  reviewReason\n  createdAt\n  updatedAt\n  verifiedAt\n}": types.PaymentFieldsFragmentDoc,
    "subscription PaymentStatusChanged($id: ID!, $locale: String! = \"en-US\") {\n  paymentStatusChanged(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": types.PaymentStatusChangedDocument,
    "query Payment($id: ID!, $locale: String! = \"en-US\") {\n  payment(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}": types.PaymentDocument,
    "query Payments($first: Int! = 20, $after: String, $status: PaymentStatus, $locale: String! = \"en-US\") {\n  payments(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...PaymentFields\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}": types.PaymentsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RecheckPayment($id: ID!) {\n  recheckPayment(id: $id) {\n    reference\n    queueReason\n    payment {\n      id\n      status\n    }\n  }\n}"): (typeof documents)["mutation RecheckPayment($id: ID!) {\n  recheckPayment(id: $id) {\n    reference\n    queueReason\n    payment {\n      id\n      status\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResolvePaymentReview($id: ID!, $resolution: ReviewResolution!, $note: String!) {\n  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) {\n    reference\n    queueReason\n    resolution\n    resolvedBy\n    resolvedAt\n    history {\n      source\n      actor\n      note\n      at\n    }\n  }\n}"): (typeof documents)["mutation ResolvePaymentReview($id: ID!, $resolution: ReviewResolution!, $note: String!) {\n  resolvePaymentReview(id: $id, resolution: $resolution, note: $note) {\n    reference\n    queueReason\n    resolution\n    resolvedBy\n    resolvedAt\n    history {\n      source\n      actor\n      note\n      at\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReviewQueue($reason: ReviewReason, $first: Int = 20, $after: String) {\n  reviewQueue(reason: $reason, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        reference\n        ownerId\n        orderId\n        amount\n        currency\n        createState\n        queueReason\n        reviewReason\n        superseded\n        createdAt\n        payment {\n          id\n          status\n          paymentUrl\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query ReviewQueue($reason: ReviewReason, $first: Int = 20, $after: String) {\n  reviewQueue(reason: $reason, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        reference\n        ownerId\n        orderId\n        amount\n        currency\n        createState\n        queueReason\n        reviewReason\n        superseded\n        createdAt\n        payment {\n          id\n          status\n          paymentUrl\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConfirmPaymentReturn($input: ConfirmPaymentReturnInput!, $locale: String! = \"en-US\") {\n  confirmPaymentReturn(input: $input) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"): (typeof documents)["mutation ConfirmPaymentReturn($input: ConfirmPaymentReturnInput!, $locale: String! = \"en-US\") {\n  confirmPaymentReturn(input: $input) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateRemotePayment($input: CreateRemotePaymentInput!, $locale: String! = \"en-US\") {\n  createRemotePayment(input: $input) {\n    ...PaymentFields\n  }\n}"): (typeof documents)["mutation CreateRemotePayment($input: CreateRemotePaymentInput!, $locale: String! = \"en-US\") {\n  createRemotePayment(input: $input) {\n    ...PaymentFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Order($orderId: String!, $locale: String! = \"en-US\") {\n  order(orderId: $orderId) {\n    orderId\n    status\n    paidPayment {\n      ...PaymentFields\n    }\n    payments {\n      ...PaymentFields\n    }\n  }\n}"): (typeof documents)["query Order($orderId: String!, $locale: String! = \"en-US\") {\n  order(orderId: $orderId) {\n    orderId\n    status\n    paidPayment {\n      ...PaymentFields\n    }\n    payments {\n      ...PaymentFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PaymentFields on RemotePayment {\n  id\n  amount\n  currency\n  currencyExponent\n  amountDecimal\n  formattedAmount(locale: $locale)\n  status\n  paymentUrl\n  orderId\n  note\n  from\n  transactionId\n  needsReview\n  reviewReason\n  createdAt\n  updatedAt\n  verifiedAt\n}"): (typeof documents)["fragment PaymentFields on RemotePayment {\n  id\n  amount\n  currency\n  currencyExponent\n  amountDecimal\n  formattedAmount(locale: $locale)\n  status\n  paymentUrl\n  orderId\n  note\n  from\n  transactionId\n  needsReview\n  reviewReason\n  createdAt\n  updatedAt\n  verifiedAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription PaymentStatusChanged($id: ID!, $locale: String! = \"en-US\") {\n  paymentStatusChanged(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"): (typeof documents)["subscription PaymentStatusChanged($id: ID!, $locale: String! = \"en-US\") {\n  paymentStatusChanged(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Payment($id: ID!, $locale: String! = \"en-US\") {\n  payment(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"): (typeof documents)["query Payment($id: ID!, $locale: String! = \"en-US\") {\n  payment(id: $id) {\n    ...PaymentFields\n    events {\n      from\n      to\n      source\n      at\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Payments($first: Int! = 20, $after: String, $status: PaymentStatus, $locale: String! = \"en-US\") {\n  payments(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...PaymentFields\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}"): (typeof documents)["query Payments($first: Int! = 20, $after: String, $status: PaymentStatus, $locale: String! = \"en-US\") {\n  payments(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...PaymentFields\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;