/**
 * Type-level proof that the generated documents and named hooks type-check with Apollo Client 4
 * (`@apollo/client/react`). Type-checked by `npm run typecheck`, never run.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import {
  type PaymentEventSource,
  PaymentDocument,
  type PaymentStatus,
  useConfirmPaymentReturnMutation,
  useCreateRemotePaymentMutation,
  usePaymentQuery,
  usePaymentStatusChangedSubscription,
  usePaymentsQuery,
} from '../src';

export const client = new ApolloClient({ link: new HttpLink({ uri: '/graphql' }), cache: new InMemoryCache() });

export async function readWithTheClient(id: string): Promise<PaymentStatus | undefined> {
  const { data } = await client.query({ query: PaymentDocument, variables: { id } });
  return data?.payment?.status;
}

export function usePlainDocument(id: string): PaymentStatus | undefined {
  const { data } = useQuery(PaymentDocument, { variables: { id } });
  return data?.payment?.status;
}

export function useEverything(id: string) {
  const payment = usePaymentQuery({ variables: { id, locale: 'tr-TR' } });
  const status: PaymentStatus | undefined = payment.data?.payment?.status;
  const sources: PaymentEventSource[] | undefined = payment.data?.payment?.events.map((event) => event.source);
  // @ts-expect-error the id is required by the document
  usePaymentQuery({ variables: {} });

  const page = usePaymentsQuery({ variables: { first: 10, status: 'PAID' } });
  const cursor: string | null | undefined = page.data?.payments.pageInfo.endCursor;

  const [create] = useCreateRemotePaymentMutation();
  const created = create({ variables: { input: { amount: 10098, currency: 'USD', redirectUrl: 'https://shop.example/return' } } });
  const [confirm] = useConfirmPaymentReturnMutation();
  const confirmed = confirm({ variables: { input: { reference: 'ref', transactionId: 'txn', status: 'paid', signature: 'sig' } } });

  const live = usePaymentStatusChangedSubscription({ variables: { id } });
  const liveStatus: PaymentStatus | undefined = live.data?.paymentStatusChanged.status;
  return { status, sources, cursor, created, confirmed, liveStatus };
}
