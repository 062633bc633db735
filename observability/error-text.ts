/** An error as one line for logs, dead letters and failure reasons: "Name: message". */
export const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** The message that says what went wrong: a wrapped error's cause (fetch's network error, an SDK's), else its own. */
export const causeMessage = (error: unknown): string =>
  error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
