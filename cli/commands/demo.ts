import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createAwsClients, destroyAwsClients } from '../../clients/aws';
import { connectTemporal } from '../../clients/temporal';
import { BarsStore } from '../../store/bars-store';
import { SeriesProgressStore } from '../../store/series-progress-store';
import { packagedDataset, replaySource } from '../../producer/sources/replay';
import { tickerWorkflowId } from '../../workflows/workflow-ids';
import { predictionsCaughtUp, waitUntilCaughtUp } from '../ingestion-progress';
import { startTraining } from '../../operations/models';
import { evaluationTable, waitWithProgress } from './model';
import { ModelRegistry } from '../../store/model-registry';
import { versionInService } from '../../clients/sagemaker-endpoint';
import { fixed, forecastColumns, table } from '../output';
import { nextCloseForecast } from '../../domain/baseline-forecast';
import type { StoredBar } from '../../store/bars-store';
import type { TickflowConfig } from '../../config/config';
import { workflowsQueryUrl, workflowUrl } from '../../clients/temporal-ui';
import { syntheticTickerName } from '../../domain/synthetic';
import { appRunning, logFile } from '../../local/stack';
import { DEFAULT_LIVE_MARKET } from '../../local/apps';
import { runProducer } from './produce';
import { readStatus } from './read';
import { bringStackUp, startBackgroundApps } from './stack';

/** The demo's last word: the next close of a series, who forecast it and the range around it. */
function nextCloseLine(ticker: string, last: StoredBar | undefined, model: TickflowConfig['model']): string {
  const forecast = last && nextCloseForecast(last, last.prediction, model.horizon, model.quantiles);
  if (!last || !forecast) return `${ticker}: too few bars for a forecast yet`;
  const when = model.horizon === 1 ? 'the next close' : `the close ${model.horizon} bars on`;
  return `${ticker} forecast for ${when} after ${last.time.slice(0, 10)}: ${forecast.median.toFixed(2)} by ${forecast.by}; ${Math.round(forecast.coverage * 100)} % range ${forecast.low.toFixed(2)}–${forecast.high.toFixed(2)} by ${forecast.rangeBy}`;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job on the local stack: stack up, workers and API in the background, replay AAPL daily history, train the first model if none serves, report bars, indicators and forecasts, then leave it all running with a live synthetic market (stop it all with `tickflow stack down`)',
    )
    .option('--timeout <seconds>', 'give up waiting for ingestion after this long', (v) => Number(v), 600)
    .option('--no-live', 'do not start the synthetic live market at the end')
    .action(async (options: { timeout: number; live: boolean }) => {
      const step = (text: string) => process.stderr.write(`\n▶ ${text}\n`);
      step('local stack');
      const { config, services } = await bringStackUp();
      process.stderr.write(`${table(services.map((s) => ({ service: s.name, status: s.status, where: s.url })))}\n`);

      step('workers and API, in the background');
      const apps = await startBackgroundApps(config, ['worker', 'api']);
      process.stderr.write(
        `${table(apps.reports.map((a) => ({ app: a.name, status: a.status, pid: a.pid ?? '-', log: a.log })))}\n`,
      );
      const workerLog = logFile(config, 'worker');

      const { client, connection } = await connectTemporal(config);
      const aws = createAwsClients(config);
      try {
        step('producer: AAPL daily bars → Kinesis');
        const summary = await runProducer(
          replaySource({ file: packagedDataset('aapl'), ticker: 'AAPL', interval: '1d', speed: 'max' }),
        );
        process.stderr.write(`${summary.sent} records in ${(summary.durationMs / 1000).toFixed(1)}s\n`);

        step('waiting for the pipeline to catch up');
        const bars = new BarsStore(aws.documents, config.tables.bars);
        let lastReport = 0;
        await waitUntilCaughtUp(
          client,
          config,
          { lastSequenceByShard: summary.lastSequenceByShard, series: [{ ticker: 'AAPL', interval: '1d' }] },
          {
            timeoutMs: options.timeout * 1000,
            onWait: async () => {
              if (!appRunning(config, 'worker'))
                throw new Error(
                  `the worker exited early; last lines of ${workerLog}:\n${readFileSync(workerLog, 'utf8').split('\n').slice(-15).join('\n')}`,
                );
              if (Date.now() - lastReport > 2000) {
                lastReport = Date.now();
                process.stderr.write(`  AAPL bars stored: ${await bars.count('AAPL', '1d')}\n`);
              }
            },
          },
        );

        step('model');
        const registry = new ModelRegistry(aws.documents, config.tables.models);
        let serving = await versionInService(aws.sagemaker, config.sagemaker.endpointName);
        let rejected: string | undefined;
        if (!serving) {
          process.stderr.write(
            'no model in service yet: training the first one from the stored history (SageMaker training job on the local stack)\n',
          );
          const handle = await startTraining(client, config, { trigger: 'first-run' });
          process.stderr.write(`training run: ${workflowUrl(config, handle.workflowId)}\n`);
          const result = await waitWithProgress(handle);
          process.stdout.write(
            `\nwalk-forward evaluation on the holdout (last 20% of the history):\n${evaluationTable(result)}\n`,
          );
          serving = await versionInService(aws.sagemaker, config.sagemaker.endpointName);
          if (result.decision === 'rejected') rejected = result.version;
        } else {
          const record = await registry.get(serving);
          process.stderr.write(
            `model ${serving} is in service${record?.metrics ? ` (holdout MAE / random walk ${record.metrics.maeRatio.toFixed(4)})` : ''}; retrain with: tickflow train --wait\n`,
          );
        }
        if (serving) {
          step('waiting for every AAPL bar to carry a prediction');
          const deadline = Date.now() + options.timeout * 1000;
          const series = new SeriesProgressStore(aws.documents, config.tables.tickers);
          while (!(await predictionsCaughtUp(series, 'AAPL', '1d'))) {
            if (Date.now() > deadline)
              throw new Error(`predictions did not catch up within ${options.timeout}s; see ${workerLog}`);
            await sleep(500);
          }
        } else {
          process.stderr.write(
            `no model beat the baseline beyond chance, so none serves and the baseline forecasts every bar (honest, not broken): see \`tickflow models\`; \`tickflow promote ${rejected ?? '<version>'}\` serves it anyway, then the dashboard shows its predictions\n`,
          );
        }

        const market = options.live ? await startBackgroundApps(config, ['market']) : undefined;

        step('stored');
        const status = await readStatus(aws, config, 'AAPL', '1d');
        const aapl = status.tickers[0];
        const recent = (await bars.range('AAPL', '1d')).slice(-5);
        process.stdout.write(
          [
            `AAPL 1d: ${aapl?.bars ?? 0} bars stored in DynamoDB table ${config.tables.bars}, last bar ${aapl?.lastBarTime ?? '-'}; dead letters: ${status.deadLetters}`,
            '',
            table(
              recent.map((b) => ({
                time: b.time.slice(0, 10),
                close: fixed(b.c, 2),
                sma20: fixed(b.sma20, 2),
                ema50: fixed(b.ema50, 2),
                rsi14: fixed(b.rsi14, 1),
                macd: fixed(b.macd, 3),
                bbLower: fixed(b.bbLower, 2),
                bbUpper: fixed(b.bbUpper, 2),
                atr14: fixed(b.atr14, 2),
                ...forecastColumns(nextCloseForecast(b, b.prediction, config.model.horizon, config.model.quantiles)),
              })),
            ),
            '',
            nextCloseLine('AAPL', recent.at(-1), config.model),
            '',
            `Temporal Web UI, the shard readers that stored AAPL (each run's result says what it did): ${workflowsQueryUrl(config, 'WorkflowType="shardReaderWorkflow"')}`,
            `follow AAPL batch by batch in its own workflow: tickflow watch AAPL on   (then ${workflowUrl(config, tickerWorkflowId('AAPL', '1d'))})`,
            `dashboard:                         ${apps.dashboardUrl}?series=AAPL%201d`,
            `training portal:                   ${apps.portalUrl}`,
            `more: tickflow status --ticker AAPL   tickflow bars --ticker AAPL --limit 20`,
            ...(market
              ? [
                  `live synthetic market (${DEFAULT_LIVE_MARKET.tickers} tickers, a bar each per minute): ${apps.dashboardUrl}?series=${syntheticTickerName(0)}%201m`,
                ]
              : []),
            'the stack, workers and API keep running in the background (`tickflow stack status`); stop everything with: npm stop',
          ].join('\n') + '\n',
        );
      } finally {
        destroyAwsClients(aws);
        await connection.close();
      }
    });
}
