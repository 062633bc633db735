import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { BarInterval } from '../../domain/market-event';
import { packagedDataset } from '../../producer/sources/replay';
import { onboardingProgressQuery, tickersQuery } from '../../workflows/registry';
import { offboardTicker, onboardTicker, registryEntries } from '../../operations/tickers';
import type { HistorySource, RegistryEntry } from '../../workflows/registry-contracts';
import { onboardingWorkflowId, REGISTRY_WORKFLOW_ID, tickerWorkflowId } from '../../workflows/workflow-ids';
import { withContext } from '../context';
import { watchTicker } from '../../operations/ticker-mode';
import { refusalsAsErrors } from '../../operations/refusals';
import { workflowUrl } from '../../clients/temporal-ui';

import { UpdateRefusedError } from '../../operations/refusals';
import { emit, iso, table } from '../output';
import { parseInterval, parseTicker, parseTime } from './produce';

/** Polls the registry until the ticker is active (or failed), reporting backfill progress on stderr. */
async function waitUntilOnboarded(temporal: Client, ticker: string, interval: BarInterval): Promise<RegistryEntry> {
  const registry = temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID);
  let last = '';
  for (;;) {
    const entry = (await registry.query(tickersQuery)).find((e) => e.ticker === ticker && e.interval === interval);
    if (entry && entry.status !== 'onboarding') return entry;
    const progress = await temporal.workflow
      .getHandle(onboardingWorkflowId(ticker, interval))
      .query(onboardingProgressQuery)
      .catch(() => undefined);
    const line = progress ? `${progress.phase}: ${progress.bars} bars` : 'starting';
    if (line !== last) process.stderr.write(`onboarding ${ticker} ${interval}: ${line}\n`);
    last = line;
    await sleep(500);
  }
}

export function registerTickerCommands(program: Command): void {
  program
    .command('onboard <ticker>')
    .description(
      'onboard a ticker through the registry: backfill its history through the stream (indicators warm up), then it is live',
    )
    .option('--interval <interval>', 'bar interval', parseInterval, '1d')
    .option('--file <csv>', 'backfill from a Yahoo-format CSV (a path the worker can read)')
    .option('--s3 <uri>', 'backfill from a Yahoo-format CSV in S3 (s3://bucket/key)')
    .option('--dataset <name>', 'backfill from a dataset shipped with tickflow: aapl')
    .option('--from <date>', 'backfill bars from this date on', parseTime)
    .option('--wait', 'wait until the backfill is stored, printing progress')
    .option('--json', 'print the registry entry as JSON')
    .action(
      async (
        rawTicker: string,
        options: {
          interval: BarInterval;
          file?: string;
          s3?: string;
          dataset?: string;
          from?: number;
          wait?: boolean;
          json?: boolean;
        },
      ) => {
        const ticker = parseTicker(rawTicker);
        const given = [options.file, options.s3, options.dataset].filter((o) => o !== undefined);
        if (given.length > 1) throw new InvalidArgumentError('give at most one of --file, --s3, --dataset');
        if (options.dataset !== undefined && options.dataset !== 'aapl')
          throw new InvalidArgumentError(`unknown dataset "${options.dataset}" (known: aapl)`);
        const source: HistorySource = options.file
          ? { kind: 'csv', path: path.resolve(options.file) }
          : options.dataset
            ? { kind: 'csv', path: packagedDataset('aapl') }
            : options.s3
              ? { kind: 's3', uri: options.s3 }
              : { kind: 'none' };
        await withContext(async ({ config, temporal }) => {
          let entry = await onboardTicker(temporal, config, {
            ticker,
            interval: options.interval,
            source,
            from: options.from,
          });
          if (!options.json)
            process.stderr.write(
              `onboarding ${ticker} ${options.interval}: ${workflowUrl(config, onboardingWorkflowId(ticker, options.interval))}\n`,
            );
          if (options.wait) entry = await waitUntilOnboarded(temporal, ticker, options.interval);
          if (entry.status === 'failed')
            throw new UpdateRefusedError(`onboarding ${ticker} ${options.interval} failed: ${entry.reason}`);
          emit(
            options.json,
            entry,
            () =>
              `${ticker} ${options.interval}: ${entry.status}${entry.backfilledBars !== undefined ? ` (${entry.backfilledBars} bars backfilled)` : ''}`,
          );
        });
      },
    );

  program
    .command('offboard <ticker>')
    .description(
      "stop a ticker's processing; its data stays, and later records for it are dead-lettered with the reason",
    )
    .option('--interval <interval>', 'bar interval', parseInterval, '1d')
    .action(async (rawTicker: string, options: { interval: BarInterval }) => {
      const ticker = parseTicker(rawTicker);
      await withContext(async ({ config, temporal }) => {
        await offboardTicker(temporal, config, ticker, options.interval);
        process.stdout.write(`${ticker} ${options.interval}: offboarded (data kept)\n`);
      });
    });

  program
    .command('tickers')
    .description('the ticker registry: onboarded, onboarding, offboarded and failed tickers')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await withContext(async ({ config, temporal }) => {
        const entries = await registryEntries(temporal, config);
        emit(options.json, entries, () =>
          table(
            entries.map((e) => ({
              ticker: e.ticker,
              interval: e.interval,
              status: e.status,
              backfilled: e.backfilledBars ?? '-',
              source: e.source.kind === 'csv' ? e.source.path : e.source.kind === 's3' ? e.source.uri : '-',
              updated: iso(e.updatedAt),
              reason: e.reason ?? '',
            })),
          ),
        );
      });
    });

  program
    .command('watch <ticker> <on|off>')
    .description(
      'follow a ticker batch by batch in its own workflow (on; visible in the Temporal Web UI), or give it back to the fast path (off)',
    )
    .option('--interval <interval>', 'bar interval', parseInterval, '1d')
    .option('--json', 'print machine-readable output')
    .action(async (rawTicker: string, state: string, options: { interval: BarInterval; json?: boolean }) => {
      const ticker = parseTicker(rawTicker);
      if (state !== 'on' && state !== 'off')
        throw new InvalidArgumentError(`watch takes on or off, not ${JSON.stringify(state)}`);
      await withContext(async ({ config, aws, temporal }) => {
        const progress = await refusalsAsErrors(
          () => watchTicker({ config, temporal, kinesis: aws.kinesis }, ticker, options.interval, state === 'on'),
          'watch refused: ',
        );
        emit(
          options.json,
          progress,
          () =>
            `${ticker} ${options.interval}: ${state === 'on' ? 'watched: its batches go through its workflow' : 'not watched: it goes back to the fast path once caught up'} (now ${progress.mode}); ${workflowUrl(config, tickerWorkflowId(ticker, options.interval))}`,
        );
      });
    });
}
