/**
 * Puts the client and command into a failed call's message: a benchmark that died of "socket
 * hang up" did not say which of its calls it was.
 */
export function namingFailedCalls<Args, Result>(
  next: (args: Args) => Promise<Result>,
  context: { clientName?: string; commandName?: string },
): (args: Args) => Promise<Result> {
  return async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof Error) error.message = `${context.clientName} ${context.commandName}: ${error.message}`;
      throw error;
    }
  };
}
