import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { apiUrl, type TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients } from '../clients/aws';
import { connectTemporal } from '../clients/temporal';
import { createLogger } from '../observability/logger';
import { createApp } from './app';
import { apiContext } from './context';

export interface RunningApi {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Serves the API, dashboard and portal until `close()`; a missing token is made up (and returned) so mutations stay guarded. */
export async function startApi(config: TickflowConfig, options: { port?: number } = {}): Promise<RunningApi> {
  const log = createLogger('api', config.logLevel);
  const token = config.api.token ?? randomBytes(24).toString('base64url');
  const aws = createAwsClients(config);
  const { client, connection } = await connectTemporal(config);
  const app = createApp(apiContext(config, aws, client, token), log);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.api.host, port: options.port ?? config.api.port }, () =>
      resolve(s),
    );
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port ?? config.api.port} is in use (TICKFLOW_API_PORT)`)
          : error,
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = apiUrl(config, port);
  log.info({ url }, 'api listening');
  return {
    url,
    token,
    close: async () => {
      // SSE streams never end by themselves: drop open connections so close() returns.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      destroyAwsClients(aws);
    },
  };
}
