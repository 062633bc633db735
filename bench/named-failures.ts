/**
 * Puts the client, the command and what was left of the client's retry quota into a failed
 * call's message: a benchmark that died of "socket hang up", not retried (`attempts: 1`), did not
 * say which of its calls it was, nor whether the quota had run out.
 */
export function namingFailedCalls(retryCapacity: () => Promise<number | undefined>) {
  return <Args, Result>(
      next: (args: Args) => Promise<Result>,
      context: { clientName?: string; commandName?: string },
    ) =>
    async (args: Args): Promise<Result> => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error) {
          const left = await retryCapacity().catch(() => undefined);
          error.message = `${context.clientName} ${context.commandName} (retry quota left: ${left ?? 'unknown'}): ${error.message}`;
        }
        throw error;
      }
    };
}

/** What is left of a client's retry quota: the SDK retries a transient error only while there is enough. */
export async function retryCapacity(client: {
  config: { retryStrategy: () => Promise<unknown> };
}): Promise<number | undefined> {
  const strategy = await client.config.retryStrategy();
  const capacity = (strategy as { getCapacity?: unknown }).getCapacity;
  return typeof capacity === 'function' ? Number(capacity.call(strategy)) : undefined;
}
