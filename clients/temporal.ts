import { Client, Connection } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';

class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** mTLS options for Temporal Cloud (or a self-hosted cluster with client certificates), when configured. */
export function temporalTls(config: TickflowConfig) {
  const tls = config.temporal.tls;
  return tls ? { tls: { clientCertPair: { crt: Buffer.from(tls.cert), key: Buffer.from(tls.key) } } } : {};
}

/** A Temporal client for the configured address and namespace, with a clear error when nothing answers. */
export async function connectTemporal(config: TickflowConfig): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({
      address: config.temporal.address,
      connectTimeout: '5s',
      ...temporalTls(config),
    });
    return { client: new Client({ connection, namespace: config.temporal.namespace }), connection };
  } catch (error) {
    throw new TemporalUnavailableError(
      `cannot reach Temporal at ${config.temporal.address} (${(error as Error).message}); is the stack up? Try: tickflow stack up`,
    );
  }
}
