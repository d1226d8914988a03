/** Concurrent callers asking for the same key share one in-flight promise (no stampede on Cashii). */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  run(key: K, work: () => Promise<V>): Promise<V> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Every promise in flight. */
  pending(): Promise<V>[] {
    return [...this.inFlight.values()];
  }

  /** The promise in flight for `key`, if any. */
  get(key: K): Promise<V> | undefined {
    return this.inFlight.get(key);
  }
}
