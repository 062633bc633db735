import { WorkflowUpdateFailedError } from '@temporalio/client';

/** A workflow refused an update (its validator or handler said no): the user's answer, not a crash. */
export class UpdateRefusedError extends Error {
  override name = 'UpdateRefusedError';
}

export async function refusalsAsErrors<T>(work: () => Promise<T>, prefix = ''): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError)
      throw new UpdateRefusedError(`${prefix}${error.cause?.message ?? error.message}`);
    throw error;
  }
}
