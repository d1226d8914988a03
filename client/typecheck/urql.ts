/**
 * Type-level proof that the generated documents work with urql (they are TypedDocumentNodes):
 * variables and results are typed without annotations. Type-checked by `npm run typecheck`, never run.
 */
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { useQuery, useSubscription } from 'urql';
import { PaymentDocument, type PaymentStatus, PaymentStatusChangedDocument } from '../src';

export const client = new Client({ url: '/graphql', exchanges: [cacheExchange, fetchExchange] });

export async function statusOf(id: string): Promise<PaymentStatus | null> {
  const result = await client.query(PaymentDocument, { id, locale: 'ar-SY' }).toPromise();
  // @ts-expect-error the id is required by the document
  void client.query(PaymentDocument, { locale: 'en-US' });
  return result.data?.payment?.status ?? null;
}

export function useLiveStatus(id: string): PaymentStatus | undefined {
  const [read] = useQuery({ query: PaymentDocument, variables: { id } });
  const [live] = useSubscription({ query: PaymentStatusChangedDocument, variables: { id } });
  return live.data?.paymentStatusChanged.status ?? read.data?.payment?.status;
}
