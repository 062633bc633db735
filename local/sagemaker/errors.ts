/** An error in the shape AWS returns: the SDK maps `code` to its exception class. */
export class SageMakerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const validation = (message: string) => new SageMakerError('ValidationException', message);
