/** A graphql-ws client collecting what one subscription yields. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Watch {
  readonly received: Array<Record<string, any>>;
  readonly errors: unknown[];
  /** Resolves once something matching arrives (or rejects after the timeout). */
  until(predicate: (payment: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export async function watchPayment(graphqlUrl: string, id: string, connectionParams: Record<string, string> = {}): Promise<Watch> {
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined, // the 'closed' listener below reports it
  });
  const received: Array<Record<string, any>> = [];
  const errors: unknown[] = [];
  const acknowledged = new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`closed: ${(event as { code?: number }).code}`)));
  });
  const dispose = client.subscribe(
    { query: `subscription($id: ID!) { paymentStatusChanged(id: $id) { id status from verifiedAt } }`, variables: { id } },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push((result.data as Record<string, any>).paymentStatusChanged);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await acknowledged;
  // Give the server a moment to register the subscription before the test changes anything.
  await new Promise((resolve) => setTimeout(resolve, 150));
  return {
    received,
    errors,
    until: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = received.find(predicate);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`nothing matching arrived; got ${JSON.stringify(received)} ${JSON.stringify(errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: async () => {
      dispose();
      await client.dispose();
    },
  };
}
