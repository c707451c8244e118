/** The rejection of `promise` (undefined when it resolves), for asserting on error fields. */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}
