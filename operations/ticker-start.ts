import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import type { BarInterval } from '../domain/market-event';
import { BAR_INTERVAL, TICKER } from '../workflows/search-attributes';
import { tickerWorkflowId } from '../workflows/workflow-ids';

/** How a ticker's entity workflow is started (or found, when it runs already): one id per ticker and interval. */
export function tickerWorkflowStart(config: TickflowConfig, ticker: string, interval: BarInterval) {
  return {
    workflowId: tickerWorkflowId(ticker, interval),
    taskQueue: config.temporal.taskQueue,
    args: [{ ticker, interval }] as [{ ticker: string; interval: BarInterval }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: TICKER, value: ticker },
      { key: BAR_INTERVAL, value: interval },
    ],
  };
}
