import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { listShards, shardsOwningKey } from '../clients/kinesis-shards';
import type { TickflowConfig } from '../config/config';
import type { BarInterval } from '../domain/market-event';
import type { ReplayRangeResult, TickerProgress } from '../workflows/ingest-contracts';
import { shardReaderWorkflowId } from '../workflows/workflow-ids';
import { replayRangeUpdate, tickerWorkflow, watchUpdate } from '../workflows/ticker';
import { tickerWorkflowStart } from './ticker-start';

export interface TickerOperationDeps {
  config: TickflowConfig;
  temporal: Client;
  kinesis: KinesisClient;
}

/** The shard reader that owns a ticker's records now: the reader of the open shard its key hashes to. */
async function readerOf({ config, kinesis }: TickerOperationDeps, ticker: string): Promise<string> {
  const open = shardsOwningKey(await listShards(kinesis, config.stream.name), ticker).find(
    (s) => !s.SequenceNumberRange?.EndingSequenceNumber,
  );
  if (!open?.ShardId) throw new Error(`no open shard of stream ${config.stream.name} owns ${ticker}`);
  return shardReaderWorkflowId(config.stream.name, open.ShardId);
}

/** Sends an Update to a ticker's workflow, starting it first if the ticker has only ever been on the fast path. */
function tickerWithStart(deps: TickerOperationDeps, ticker: string, interval: BarInterval) {
  return new WithStartWorkflowOperation(tickerWorkflow, tickerWorkflowStart(deps.config, ticker, interval));
}

/** Follow a ticker batch by batch in its workflow (on), or hand it back to the fast path (off). */
export async function watchTicker(
  deps: TickerOperationDeps,
  ticker: string,
  interval: BarInterval,
  on: boolean,
): Promise<TickerProgress> {
  const reader = await readerOf(deps, ticker);
  return deps.temporal.workflow.executeUpdateWithStart(watchUpdate, {
    args: [{ on, reader }],
    startWorkflowOperation: tickerWithStart(deps, ticker, interval),
  });
}

/** Recomputes a ticker from `from` on; its workflow takes the ticker from the fast path for the time it takes. */
export async function replaySeriesRange(
  deps: TickerOperationDeps,
  ticker: string,
  interval: BarInterval,
  from: number,
  to: number,
): Promise<ReplayRangeResult> {
  const reader = await readerOf(deps, ticker);
  return deps.temporal.workflow.executeUpdateWithStart(replayRangeUpdate, {
    args: [{ from, to, reader }],
    startWorkflowOperation: tickerWithStart(deps, ticker, interval),
  });
}
