import { InvalidArgumentError, type Command } from 'commander';
import type { BarInterval } from '../../domain/market-event';
import { FAILED_QUERY, listFailedBatches, replayFailedBatch } from '../../operations/batches';
import { replaySeriesRange } from '../../operations/ticker-mode';
import { withContext } from '../context';
import { refusalsAsErrors } from '../../operations/refusals';
import { emit, iso, table } from '../output';
import { workflowsQueryUrl, workflowUrl } from '../../clients/temporal-ui';
import { parseInterval, parseTicker, parseTime } from './produce';

export function registerBatchCommands(program: Command): void {
  program
    .command('failed')
    .description(
      'batches that failed for good (not outages, which are retried): ticker, batch ids, reason; their tickers hold later batches until replayed',
    )
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await withContext(async ({ config, temporal }) => {
        const failed = await listFailedBatches(temporal);
        emit(options.json, failed, () =>
          [
            table(
              failed.map((f) => ({
                ticker: f.ticker,
                interval: f.interval,
                'batch id': f.batchIds.join(' '),
                bars: f.bars,
                'first bar': iso(f.firstBarTime),
                'failed at': iso(f.failedAt),
                held: f.heldBatches,
                reason: f.reason,
              })),
            ),
            ...failed.map((f) => `${f.ticker} ${f.interval}: ${workflowUrl(config, f.workflowId)}`),
            `all failed tickers in the Temporal Web UI: ${workflowsQueryUrl(config, FAILED_QUERY)}`,
            failed.length > 0 ? 'fix the cause, then: tickflow replay <batch-id>' : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  program
    .command('replay [batch-id]')
    .description(
      're-run a failed batch from the stream (the ticker resumes with it), or recompute a ticker over a time range',
    )
    .option('--ticker <symbol>', 'recompute this ticker instead of a failed batch', parseTicker)
    .option('--interval <interval>', 'bar interval of --ticker', parseInterval, '1d')
    .option('--from <date>', 'first bar time to recompute (with --ticker)', parseTime)
    .option(
      '--to <date>',
      'last bar time to take from the stream (with --ticker); later stored bars are recomputed too',
      parseTime,
    )
    .option('--json', 'print machine-readable output')
    .action(
      async (
        batchId: string | undefined,
        options: { ticker?: string; interval: BarInterval; from?: number; to?: number; json?: boolean },
      ) => {
        if (batchId !== undefined && options.ticker !== undefined)
          throw new InvalidArgumentError('give a batch id or --ticker, not both');
        if (
          batchId === undefined &&
          (options.ticker === undefined || options.from === undefined || options.to === undefined)
        ) {
          throw new InvalidArgumentError(
            'give a failed batch id (see `tickflow failed`), or --ticker with --from and --to',
          );
        }
        await withContext(async ({ config, aws, temporal }) => {
          if (batchId !== undefined) {
            const { series, bars } = await refusalsAsErrors(
              () => replayFailedBatch(temporal, batchId),
              'replay refused: ',
            );
            emit(
              options.json,
              { ticker: series.ticker, interval: series.interval, batchIds: series.batchIds, bars },
              () =>
                `${series.ticker} ${series.interval}: read ${bars} bars of ${series.batchIds.join(', ')} again from the stream; the ticker resumes with them and the ${series.heldBatches} held batches`,
            );
            return;
          }
          const result = await refusalsAsErrors(
            () =>
              replaySeriesRange(
                { config, temporal, kinesis: aws.kinesis },
                options.ticker!,
                options.interval,
                options.from!,
                options.to!,
              ),
            'replay refused: ',
          );
          emit(
            options.json,
            result,
            () =>
              `${options.ticker} ${options.interval}: ${result.replayed} bars read again from the stream, ${result.rewritten} rows recomputed from ${iso(result.firstBarTime)}`,
          );
        });
      },
    );
}
