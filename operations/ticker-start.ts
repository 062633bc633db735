import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import type { BarInterval } from '../domain/market-event';
import type { TickerRunOptions } from '../workflows/ingest-contracts';
import { BAR_INTERVAL, TICKER } from '../workflows/search-attributes';
import { tickerWorkflowId } from '../workflows/workflow-ids';

/** Ticker workflows take their settings from whoever starts them (a worker or the CLI). */
function tickerRunOptions(config: TickflowConfig): TickerRunOptions {
  return {
    maxBarsPerActivity: config.ingest.maxBarsPerBatch,
    batchesPerRun: config.ingest.batchesPerRun,
    prediction: {
      interval: config.model.interval,
      horizon: config.model.horizon,
      retryMaxSeconds: config.model.predictRetryMaxSeconds,
    },
  };
}

/** How a ticker's entity workflow is started (or found, when it runs already): one id per ticker and interval. */
export function tickerWorkflowStart(config: TickflowConfig, ticker: string, interval: BarInterval) {
  return {
    workflowId: tickerWorkflowId(ticker, interval),
    taskQueue: config.temporal.taskQueue,
    args: [{ ticker, interval, options: tickerRunOptions(config) }] as [
      { ticker: string; interval: BarInterval; options: TickerRunOptions },
    ],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: TICKER, value: ticker },
      { key: BAR_INTERVAL, value: interval },
    ],
  };
}
