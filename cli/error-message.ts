import { causeMessage } from '../observability/error-text';
import { ConfigError } from '../config/config';

/** Temporal's answer to a query or update that no worker polls for (gRPC FAILED_PRECONDITION). */
const NO_WORKER = /no poller seen for task queue/i;

/**
 * What the CLI prints for a failure: a known one by its message, one that needs a worker with
 * how to start it, anything else with its stack for a bug report.
 */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = causeMessage(error);
  if (NO_WORKER.test(error.message) || NO_WORKER.test(cause)) {
    return `no tickflow worker is running to answer this (Temporal: ${(NO_WORKER.test(cause) ? cause : error.message).replace(/^\d+ [A-Z_]+: /, '')}). Start one in the background with \`tickflow stack up --apps\` (or in another terminal with \`tickflow worker\`), then try again.`;
  }
  const known =
    error instanceof ConfigError || (/Error$/.test(error.name) && error.name !== 'Error' && error.name !== 'TypeError');
  return known ? error.message : (error.stack ?? error.message);
}
