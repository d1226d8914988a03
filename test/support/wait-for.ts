/**
 * Polls `probe` until it answers something other than undefined, and returns that; fails after
 * `timeoutMs`. For outcomes a test cannot await directly (a background job's write, a log line).
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
