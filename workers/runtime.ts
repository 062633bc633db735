import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundle } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../clients/aws';
import { connectTemporal, temporalTls } from '../clients/temporal';
import { pipelineMetrics, prometheusTelemetry, type PipelineMetrics } from '../observability/metrics';
import { EmfCounters } from '../observability/emf';
import { createLogger } from '../observability/logger';

/** What every worker in a process shares: one set of AWS clients, one Temporal client and worker connection, one workflow bundle. */
export interface WorkerResources {
  aws: AwsClients;
  temporal: Client;
  connection: NativeConnection;
  workflowBundle: WorkflowBundle;
  metrics: PipelineMetrics;
}

const quietBundler = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: console.warn,
  error: console.error,
  log: () => {},
};

/**
 * Sets up the process for its workers (SDK logging, connections, the bundle of workflows/,
 * which takes seconds and is built once), runs them, and closes everything when they stop.
 */
export async function runWorkers(
  config: TickflowConfig,
  workers: Array<(resources: WorkerResources) => Promise<void>>,
): Promise<void> {
  installRuntime(config);
  const emf = config.metrics.cloudwatchNamespace ? new EmfCounters(config.metrics.cloudwatchNamespace) : undefined;
  emf?.start();
  const metrics = pipelineMetrics(Runtime.instance().metricMeter, emf, config.metrics.forecastJournal);
  const aws = createAwsClients(config);
  const { temporal, clientConnection, connection } = await connectWhenUp(config);
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      logger: quietBundler,
    });
    await Promise.all(workers.map((run) => run({ aws, temporal, connection, workflowBundle, metrics })));
  } finally {
    emf?.stop();
    await connection.close();
    await clientConnection.close();
    destroyAwsClients(aws);
  }
}

const TEMPORAL_WAIT_MS = 60_000;

/**
 * A worker that starts while Temporal restarts (a deploy, a crashed dev server) waits for it,
 * saying so, rather than exiting; after a minute it gives up with connectTemporal's clear error.
 */
async function connectWhenUp(config: TickflowConfig) {
  const log = createLogger('worker');
  const deadline = Date.now() + TEMPORAL_WAIT_MS;
  for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 5000)) {
    try {
      const { client: temporal, connection: clientConnection } = await connectTemporal(config);
      const connection = await NativeConnection.connect({
        address: config.temporal.address,
        ...temporalTls(config),
      }).catch(async (error: unknown) => {
        await clientConnection.close();
        throw error;
      });
      return { temporal, clientConnection, connection };
    } catch (error) {
      if (Date.now() + delayMs > deadline) throw error;
      log.warn(
        { address: config.temporal.address, retryInMs: delayMs, err: (error as Error).message },
        'waiting for Temporal',
      );
      await sleep(delayMs);
    }
  }
}

/** SDK logging, and the Prometheus endpoint when metrics are on; a taken port names the setting to change. */
function installRuntime(config: TickflowConfig): void {
  const { bindAddress } = config.metrics;
  try {
    Runtime.install({
      logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN'),
      ...(bindAddress ? { telemetryOptions: prometheusTelemetry(bindAddress) } : {}),
    });
  } catch (error) {
    throw new Error(
      `cannot serve metrics on ${bindAddress} (TICKFLOW_METRICS_ADDRESS: another worker may be using it; set another host:port or "off"): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
