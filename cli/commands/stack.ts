import { Argument, InvalidArgumentError, type Command } from 'commander';
import { createAwsClients, destroyAwsClients } from '../../clients/aws';
import { bootstrapResources } from '../../local/bootstrap';
import { restartService, stackDown, stackStatus, stackUp, startApps, type ServiceReport } from '../../local/stack';
import { apiToken, appSpecs, type AppSpec } from '../../local/apps';
import { apiUrl, loadConfig, type TickflowConfig } from '../../config/config';
import type { ServiceSpec } from '../../local/services';
import { emit, table } from '../output';

const render = (reports: ServiceReport[]) =>
  table(reports.map((r) => ({ service: r.name, status: r.status, pid: r.pid ?? '-', where: r.url })));

export async function bringStackUp(json = false) {
  const config = loadConfig();
  if (config.stack !== 'local')
    throw new Error('`stack up` manages the local stack only (TICKFLOW_STACK=aws deploys with infra/)');
  if (!json) process.stderr.write(`starting the local stack (data in ${config.home}) …\n`);
  const services = await stackUp(config);
  const aws = createAwsClients(config);
  try {
    const resources = await bootstrapResources(config, aws);
    return { config, services, resources };
  } finally {
    destroyAwsClients(aws);
  }
}

/** Starts the named apps in the background (the stack must be up); the API gets this data folder's token. */
export async function startBackgroundApps(
  config: TickflowConfig,
  names: Array<AppSpec['name']>,
): Promise<{ reports: ServiceReport[]; dashboardUrl: string; portalUrl: string }> {
  const token = apiToken(config);
  const reports = await startApps(
    config,
    appSpecs(config, { token }).filter((spec) => names.includes(spec.name)),
  );
  return { reports, dashboardUrl: `${apiUrl(config)}/`, portalUrl: `${apiUrl(config)}/portal#token=${token}` };
}

const parseSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 600) throw new InvalidArgumentError('expected seconds between 0 and 600');
  return n;
};

export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('start, stop and inspect the offline local stack (Temporal, Kinesis, DynamoDB, S3/SNS)');
  stack
    .command('up')
    .description('start every service not already running, wait until healthy, create stream/tables/bucket/topic')
    .option('--apps', 'also run the workers and the API (dashboard, portal) in the background')
    .option('--live', 'with --apps, also a synthetic market of 50 tickers that ticks on the wall clock')
    .option('--json', 'print machine-readable output')
    .action(async (options: { apps?: boolean; live?: boolean; json?: boolean }) => {
      const { config, services, resources } = await bringStackUp(options.json);
      const apps =
        options.apps || options.live
          ? await startBackgroundApps(config, ['worker', 'api', ...(options.live ? (['market'] as const) : [])])
          : undefined;
      emit(options.json, { services: [...services, ...(apps?.reports ?? [])], resources }, () =>
        [
          render([...services, ...(apps?.reports ?? [])]),
          '',
          `stream ${resources.stream.name} (${resources.stream.shards} shards), tables ${resources.tables.map((t) => t.name).join(', ')},`,
          `bucket ${resources.bucket.name}, topic ${resources.topic.arn}`,
          '',
          `Temporal Web UI: ${config.temporal.uiUrl}`,
          ...(apps ? [`dashboard: ${apps.dashboardUrl}   training portal: ${apps.portalUrl}`] : []),
          `logs: ${config.home}/logs   stop everything with: tickflow stack down`,
        ].join('\n'),
      );
    });
  stack
    .command('down')
    .description(
      'stop everything this data folder started: the market, API and workers, then the services (data is kept)',
    )
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const stopped = await stackDown(loadConfig());
      emit(options.json, stopped, () =>
        stopped.map((s) => `${s.name}: ${s.stopped ? 'stopped' : 'was not running'}`).join('\n'),
      );
    });
  stack
    .command('restart')
    .description('stop one service and start it again on the same data (an outage drill: workers retry through it)')
    .addArgument(
      new Argument('<service>', 'which service').choices(['temporal', 'kinesis', 'dynamodb', 'moto', 'sagemaker']),
    )
    .option('--down <seconds>', 'stay down this long before starting again', parseSeconds, 0)
    .option('--json', 'print machine-readable output')
    .action(async (service: ServiceSpec['name'], options: { down: number; json?: boolean }) => {
      const report = await restartService(loadConfig(), service, { downMs: options.down * 1000 });
      emit(options.json, report, () => render([report]));
    });
  stack
    .command('status')
    .description('show which services and background apps run, and where (exit 3 when a service is down)')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { services, apps } = await stackStatus(loadConfig());
      emit(options.json, { services, apps }, () => render([...services, ...apps]));
      if (services.some((r) => r.status === 'stopped' || r.status === 'partly up')) process.exitCode = 3;
    });
}
