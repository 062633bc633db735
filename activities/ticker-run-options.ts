import type { TickflowConfig } from '../config/config';
import type { TickerRunOptions } from '../workflows/ingest-contracts';

/** Ticker workflows' settings, from the workers' configuration: read at the start of every run, so a change reaches running tickers at their next continueAsNew. */
export function tickerRunOptions(config: TickflowConfig): TickerRunOptions {
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
