/**
 * Model: training time for N tickers × Y years of daily bars through the training workflow
 * (dataset export from DynamoDB → SageMaker training job → evaluation → deployment), then
 * InvokeEndpoint latency for 1-row and 100-row requests against the deployed endpoint.
 *
 *   npm run bench:model -- [--tickers 500] [--years 5] [--calls 200]
 */
import { existsSync } from 'node:fs';
import { connectTemporal } from '../clients/temporal';
import { featureRows } from '../domain/features';
import { invokeModel } from '../activities/invoke-model';
import { BarsStore } from '../store/bars-store';
import { DAYS_PER_YEAR, seedHistory, trainAndDeploy } from './bench-model';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { recordResults } from './results';
import { quantile, timed } from './stats';
import { benchOptions } from './options';

const { tickers: TICKERS, years: YEARS, calls: CALLS } = benchOptions('model', { tickers: 500, years: 5, calls: 200 });
const say = (line: string) => process.stderr.write(`[bench:model] ${line}\n`);
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const rows = await withBenchStack(
    say,
    async (stack) => {
      say(`storing ${TICKERS} tickers × ${YEARS} years of daily bars`);
      const history = await seedHistory(
        stack,
        { tickers: TICKERS, bars: Math.round(YEARS * DAYS_PER_YEAR), interval: '1d' },
        say,
      );
      const { client, connection } = await connectTemporal(stack.config);
      try {
        say('training through the training workflow');
        const trained = await trainAndDeploy(stack, client);
        say(`model ${trained.result.version} ${trained.result.decision}; measuring InvokeEndpoint`);

        const bars = await new BarsStore(stack.aws.documents, stack.config.tables.bars).range(
          history.tickers[0]!,
          '1d',
        );
        const features = featureRows(bars, stack.config.model.horizon).map((r) => r.features);
        const latency = async (size: number) => {
          const samples: number[] = [];
          for (let call = 0; call < CALLS; call++) {
            const offset = (call * size) % (features.length - size);
            samples.push(
              await timed(() =>
                invokeModel(
                  stack.aws.sagemakerRuntime,
                  stack.config.sagemaker.endpointName,
                  features.slice(offset, offset + size),
                ),
              ),
            );
          }
          return `p50 ${ms(quantile(samples, 0.5))}, p99 ${ms(quantile(samples, 0.99))} (${CALLS} calls)`;
        };
        const one = await latency(1);
        const hundred = await latency(100);
        const { metrics } = trained.result;
        return [
          [
            'history',
            `${TICKERS} tickers × ${YEARS} years of daily bars = ${history.bars.toLocaleString()} bars (synthetic random walks)`,
          ],
          [
            'training workflow, start → decision (export, job, evaluation; deployment when promoted)',
            `${(trained.wallMs / 1000).toFixed(1)} s`,
          ],
          [
            'SageMaker training job alone (local SageMaker, XGBoost)',
            trained.jobMs === null ? 'not reported' : `${(trained.jobMs / 1000).toFixed(1)} s`,
          ],
          [
            'decision',
            `${trained.result.decision}: ${trained.result.reason}${trained.deployedAnyway ? ' (deployed anyway to measure serving)' : ''}`,
          ],
          ...(metrics
            ? ([
                [
                  'holdout MAE, model / random walk',
                  `${metrics.maeRatio.toFixed(3)} (${metrics.rows.toLocaleString()} rows)`,
                ],
              ] as Array<[string, string]>)
            : []),
          ['InvokeEndpoint, 1 row', one],
          ['InvokeEndpoint, 100 rows', hundred],
        ] as Array<[string, string]>;
      } finally {
        await connection.close();
      }
    },
    // The history is written straight into DynamoDB Local, which syncs every write to disk
    // (≈ 200 items/s here): in RAM the setup takes minutes instead of an hour. Training reads
    // it back once; the measured steps are the export, the job, evaluation and serving.
    {
      role: 'all',
      env: {
        TICKFLOW_TRAINING_INTERVAL: '1d',
        ...(existsSync('/dev/shm') ? { TICKFLOW_HOME: '/dev/shm/tickflow-bench-model' } : {}),
      },
    },
  );
  recordResults(
    'model',
    'Model: training time and endpoint latency',
    `npm run bench:model -- --tickers ${TICKERS} --years ${YEARS} --calls ${CALLS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:model failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
