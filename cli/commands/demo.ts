import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '../../config/config';
import { createAwsClients, destroyAwsClients } from '../../clients/aws';
import { connectTemporal } from '../../clients/temporal';
import { BarsStore } from '../../store/bars-store';
import { SeriesStore } from '../../store/series-store';
import { packagedDataset, replaySource } from '../../producer/sources/replay';
import { tickerWorkflowId } from '../../workflows/search-attributes';
import { predictionsCaughtUp, waitUntilCaughtUp } from '../ingestion-progress';
import { startTraining } from '../../operations/models';
import { evaluationTable } from './model';
import { ModelRegistry } from '../../store/model-registry';
import { PredictionsStore } from '../../store/predictions-store';
import { versionInService } from '../../clients/sagemaker-endpoint';
import { fixed, forecastColumns, table } from '../output';
import { nextCloseForecast } from '../../domain/baseline-forecast';
import type { StoredBar } from '../../store/bars-store';
import type { Prediction } from '../../store/predictions-store';
import type { TickflowConfig } from '../../config/config';
import { workflowsQueryUrl, workflowUrl } from '../../clients/temporal-ui';
import { runProducer } from './produce';
import { readStatus } from './read';
import { bringStackUp } from './stack';
import { startApi } from '../../api/server';

function startWorker(logFile: string): { child: ChildProcess; exited: Promise<number | null> } {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'tickflow.js'), 'worker'], { stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** The demo's last word: the next close of a series, who forecast it and the range around it. */
function nextCloseLine(ticker: string, last: StoredBar | undefined, predicted: Map<number, Prediction>, model: TickflowConfig['model']): string {
  const forecast = last && nextCloseForecast(last, predicted.get(last.t), model.horizon, model.quantiles);
  if (!last || !forecast) return `${ticker}: too few bars for a forecast yet`;
  const when = model.horizon === 1 ? 'the next close' : `the close ${model.horizon} bars on`;
  return `${ticker} forecast for ${when} after ${last.time.slice(0, 10)}: ${forecast.median.toFixed(2)} by ${forecast.by}; ${Math.round(forecast.coverage * 100)} % range ${forecast.low.toFixed(2)}–${forecast.high.toFixed(2)} by ${forecast.rangeBy}`;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job on the local stack: stack up, start the workers, replay AAPL daily history, train the first model if none serves, report bars, indicators and predictions')
    .option('--timeout <seconds>', 'give up waiting for ingestion after this long', (v) => Number(v), 600)
    .option('--serve', 'afterwards keep the workers, dashboard and API running until Ctrl-C')
    .action(async (options: { timeout: number; serve?: boolean }) => {
      const step = (text: string) => process.stderr.write(`\n▶ ${text}\n`);
      step('local stack');
      const { config, services } = await bringStackUp();
      process.stderr.write(`${table(services.map((s) => ({ service: s.name, status: s.status, where: s.url })))}\n`);

      step('workers (ingest + training)');
      const workerLog = path.join(config.home, 'logs', 'worker.log');
      const worker = startWorker(workerLog);
      let workerDied = false;
      void worker.exited.then(() => (workerDied = true));
      process.stderr.write(`started (pid ${worker.child.pid}), logs in ${workerLog}\n`);

      step('dashboard, training portal and API');
      // The dashboard is a convenience here: a taken port must not stop the main job.
      const api = await startApi(config).catch((error: Error) => (process.stderr.write(`not started: ${error.message}\n`), undefined));
      if (api) process.stderr.write(`dashboard ${api.url}/   training portal ${api.url}/portal#token=${api.token}\n`);

      const { client, connection } = await connectTemporal(config);
      const aws = createAwsClients(config);
      try {
        step('producer: AAPL daily bars → Kinesis');
        const summary = await runProducer(replaySource({ file: packagedDataset('aapl'), ticker: 'AAPL', interval: '1d', speed: 'max' }));
        process.stderr.write(`${summary.sent} records in ${(summary.durationMs / 1000).toFixed(1)}s\n`);

        step('waiting for the pipeline to catch up');
        const bars = new BarsStore(aws.documents, config.tables.bars);
        let lastReport = 0;
        await waitUntilCaughtUp(client, config, { lastSequenceByShard: summary.lastSequenceByShard, series: [{ ticker: 'AAPL', interval: '1d' }] }, {
          timeoutMs: options.timeout * 1000,
          onWait: async () => {
            if (workerDied) throw new Error(`the worker exited early; last lines of ${workerLog}:\n${readFileSync(workerLog, 'utf8').split('\n').slice(-15).join('\n')}`);
            if (Date.now() - lastReport > 2000) {
              lastReport = Date.now();
              process.stderr.write(`  AAPL bars stored: ${await bars.count('AAPL', '1d')}\n`);
            }
          },
        });

        step('model');
        const registry = new ModelRegistry(aws.documents, config.tables.models);
        let serving = await versionInService(aws.sagemaker, config.sagemaker.endpointName);
        let rejected: string | undefined;
        if (!serving) {
          process.stderr.write('no model in service yet: training the first one from the stored history (SageMaker training job on the local stack)\n');
          const handle = await startTraining(client, config, { trigger: 'first-run' });
          process.stderr.write(`training run: ${workflowUrl(config, handle.workflowId)}\n`);
          const result = await handle.result();
          process.stdout.write(`\nwalk-forward evaluation on the holdout (last 20% of the history):\n${evaluationTable(result)}\n`);
          serving = await versionInService(aws.sagemaker, config.sagemaker.endpointName);
          if (result.decision === 'rejected') rejected = result.version;
        } else {
          const record = await registry.get(serving);
          process.stderr.write(`model ${serving} is in service${record?.metrics ? ` (holdout MAE / random walk ${record.metrics.maeRatio.toFixed(4)})` : ''}; retrain with: tickflow train --wait\n`);
        }
        if (serving) {
          step('waiting for every AAPL bar to carry a prediction');
          const deadline = Date.now() + options.timeout * 1000;
          const series = new SeriesStore(aws.documents, config.tables.tickers);
          while (!(await predictionsCaughtUp(series, 'AAPL', '1d'))) {
            if (Date.now() > deadline) throw new Error(`predictions did not catch up within ${options.timeout}s; see ${workerLog}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        } else {
          process.stderr.write(
            `no model beat the baseline beyond chance, so none serves and the baseline forecasts every bar (honest, not broken): see \`tickflow models\`; \`tickflow promote ${rejected ?? '<version>'}\` serves it anyway, then the dashboard shows its predictions\n`,
          );
        }

        step('stored');
        const status = await readStatus(aws, config, 'AAPL', '1d');
        const aapl = status.tickers[0];
        const recent = (await bars.range('AAPL', '1d')).slice(-5);
        const predicted = new Map((await new PredictionsStore(aws.documents, config.tables.predictions).range('AAPL', '1d', recent[0]?.t ?? 0)).map((p) => [p.t, p]));
        process.stdout.write(
          [
            `AAPL 1d: ${aapl?.bars ?? 0} bars stored in DynamoDB table ${config.tables.bars}, last bar ${aapl?.lastBarTime ?? '-'}; dead letters: ${status.deadLetters}`,
            '',
            table(recent.map((b) => ({
              time: b.time.slice(0, 10), close: fixed(b.c, 2), sma20: fixed(b.sma20, 2), ema50: fixed(b.ema50, 2), rsi14: fixed(b.rsi14, 1), macd: fixed(b.macd, 3),
              bbLower: fixed(b.bbLower, 2), bbUpper: fixed(b.bbUpper, 2), atr14: fixed(b.atr14, 2),
              ...forecastColumns(nextCloseForecast(b, predicted.get(b.t), config.model.horizon, config.model.quantiles)),
            }))),
            '',
            nextCloseLine('AAPL', recent.at(-1), predicted, config.model),
            '',
            `Temporal Web UI, the shard readers that stored AAPL (each run's result says what it did): ${workflowsQueryUrl(config, 'WorkflowType="shardReaderWorkflow"')}`,
            `follow AAPL batch by batch in its own workflow: tickflow watch AAPL on   (then ${workflowUrl(config, tickerWorkflowId('AAPL', '1d'))})`,
            ...(api ? [`dashboard:                         ${api.url}/?series=AAPL%201d`, `training portal:                   ${api.url}/portal#token=${api.token}`] : []),
            `more: tickflow status --ticker AAPL   tickflow bars --ticker AAPL --limit 20`,
            options.serve ? 'workers, dashboard and API keep running: Ctrl-C stops them (the stack stays up)' : 'the stack keeps running (stop it with: npm run stack:down); `tickflow demo --serve` keeps the dashboard up too',
          ].join('\n') + '\n',
        );
        if (options.serve) {
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        }
      } finally {
        await api?.close();
        destroyAwsClients(aws);
        await connection.close();
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    });
}
