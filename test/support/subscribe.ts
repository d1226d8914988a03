/** A graphql-ws client collecting what one subscription yields. */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const WATCH = `subscription($id: ID!) { paymentStatusChanged(id: $id) { id status from verifiedAt } }`;

export interface Watch {
  readonly received: Array<Record<string, any>>;
  readonly errors: unknown[];
  /** Resolves once something matching arrives (or rejects after the timeout). */
  until(predicate: (payment: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /**
   * Watches `id` (a payment this viewer owns) on the same connection and resolves with its first
   * value, then ends that watch. The server sends it after anything it sent this connection before,
   * so it is the sentinel of "nothing else arrived": check `received` after it.
   */
  sentinel(id: string): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /**
   * The viewer may see the payment (default): resolve once its first value (the payment as it is
   * now) arrived, so the server is watching it before the test changes anything. A viewer who may
   * not see it gets nothing: then resolve once the connection is acknowledged.
   */
  visible?: boolean;
}

/** Subscribes to `id` on `client`; `first` settles with its first value, or its error or end. */
function subscribe(client: Client, id: string, onValue: (payment: Record<string, any>) => void, onError: (error: unknown) => void) {
  let settle: { resolve: (payment: Record<string, any>) => void; reject: (error: unknown) => void } | undefined;
  const first = new Promise<Record<string, any>>((resolve, reject) => (settle = { resolve, reject }));
  const dispose = client.subscribe(
    { query: WATCH, variables: { id } },
    {
      next: (result) => {
        if (result.errors) onError(result.errors);
        const payment = (result.data as Record<string, any> | null | undefined)?.paymentStatusChanged as Record<string, any> | undefined;
        if (payment) {
          onValue(payment);
          settle!.resolve(payment);
        } else {
          settle!.reject(new Error(`no value: ${JSON.stringify(result.errors)}`));
        }
      },
      error: (error) => {
        onError(error);
        settle!.reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      },
      complete: () => settle!.reject(new Error('completed before its first value')),
    },
  );
  first.catch(() => undefined); // its owner may not await it
  return { first, dispose };
}

export async function watchPayment(
  graphqlUrl: string,
  id: string,
  connectionParams: Record<string, string> = {},
  { visible = true }: WatchOptions = {},
): Promise<Watch> {
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
  const arrivals: Array<() => void> = [];
  const acknowledged = new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`closed: ${(event as { code?: number }).code}`)));
  });
  const watch = subscribe(
    client,
    id,
    (payment) => {
      received.push(payment);
      for (const arrived of arrivals.splice(0)) arrived();
    },
    (error) => errors.push(error),
  );
  await acknowledged;
  if (visible) await watch.first;
  return {
    received,
    errors,
    until: (predicate, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`nothing matching arrived; got ${JSON.stringify(received)} ${JSON.stringify(errors)}`)),
          timeoutMs,
        );
        const check = () => {
          const match = received.find(predicate);
          if (!match) return void arrivals.push(check);
          clearTimeout(timer);
          resolve(match);
        };
        check();
      }),
    sentinel: async (sentinelId) => {
      const other = subscribe(
        client,
        sentinelId,
        () => undefined,
        (error) => errors.push(error),
      );
      try {
        return await other.first;
      } finally {
        other.dispose();
      }
    },
    close: async () => {
      watch.dispose();
      await client.dispose();
    },
  };
}
