import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { csvLine, featureRows } from '../../domain/features';
import { naiveMae } from '../../domain/forecast-metrics';
import { volatilitySeries } from '../../domain/volatility';
import { walkForwardSplit, type LabelledRow, type SeriesRows } from '../../domain/walk-forward';
import type { DatasetSummary, ExportDatasetInput } from '../../workflows/training-contracts';
import type { TrainingDeps } from './deps';

/**
 * Builds the training set from stored bars: features and targets by the one definition in
 * domain/features, a walk-forward split, written to S3 in SageMaker XGBoost's CSV format
 * (label first, no header). Rows are in time order so the container's early stopping
 * validates forward in time.
 */
export function exportDatasetActivity(deps: TrainingDeps) {
  return async function exportDataset(input: ExportDatasetInput): Promise<DatasetSummary> {
    const series = (await deps.series.list()).filter((s) => s.interval === input.interval);
    const perSeries: SeriesRows[] = [];
    for (const { ticker } of series) {
      Context.current().heartbeat(ticker);
      const bars = await deps.bars.range(ticker, input.interval);
      // Recomputed, not read: bars stored before the volatility was kept have none.
      const volatility = volatilitySeries(bars.map((b) => b.c));
      perSeries.push({
        ticker,
        rows: featureRows(
          bars.map((bar, i) => ({ ...bar, volatility: volatility[i]! })),
          input.horizon,
        ),
      });
    }
    if (perSeries.length === 0)
      throw new RangeError(
        `no ${input.interval} bars are stored yet: ingest some history first (e.g. \`tickflow produce replay\`)`,
      );
    const split = walkForwardSplit(perSeries, input.horizon, input.holdoutFraction);
    const byTime = (a: LabelledRow, b: LabelledRow) => a.t - b.t || a.ticker.localeCompare(b.ticker);
    split.train.sort(byTime);
    split.holdout.sort(byTime);

    const prefix = `datasets/${input.version}`;
    const put = (key: string, lines: string[]) =>
      deps.aws.s3.send(
        new PutObjectCommand({
          Bucket: deps.config.bucket,
          Key: `${prefix}/${key}`,
          Body: lines.join('\n') + '\n',
          ContentType: 'text/csv',
        }),
      );
    const labelled = (rows: LabelledRow[]) => rows.map((r) => csvLine([r.target, ...r.features]));
    await put('train/train.csv', labelled(split.train));
    await put('test/test.csv', labelled(split.holdout));
    // Which bar each test row belongs to, in the same order, and its volatility (the baseline's
    // scale; empty before the series had one): lets evaluation name its rows and score the baseline.
    await put(
      'holdout-index.csv',
      split.holdout.map((r) => `${r.ticker},${r.t},${r.volatility ?? ''}`),
    );
    const iso = (t: number) => new Date(t).toISOString();
    return {
      prefix: `s3://${deps.config.bucket}/${prefix}`,
      tickers: perSeries.length,
      trainRows: split.train.length,
      holdoutRows: split.holdout.length,
      dataStart: iso(split.dataStart),
      trainEnd: iso(split.trainEnd),
      holdoutStart: iso(split.holdoutStart),
      dataEnd: iso(split.dataEnd),
      trainingNaiveMae: naiveMae(split.train.map((r) => r.target)),
    };
  };
}
