import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, registered by `tickflow stack up` (and on AWS by the namespace admin). */
export const TICKER = defineSearchAttributeKey('Ticker', SearchAttributeType.KEYWORD);
export const BAR_INTERVAL = defineSearchAttributeKey('BarInterval', SearchAttributeType.KEYWORD);
export const SHARD_ID = defineSearchAttributeKey('ShardId', SearchAttributeType.KEYWORD);
export const MODEL_VERSION = defineSearchAttributeKey('ModelVersion', SearchAttributeType.KEYWORD);
/** Set on a ticker workflow once a batch fails for good ("Failed"), and back to "Ok" when it is replayed. */
export const BATCH_STATUS = defineSearchAttributeKey('BatchStatus', SearchAttributeType.KEYWORD);

/** Who processes a ticker's records: "fast" (its shard reader), "handingOver" or "workflow" (its ticker workflow). */
export const TICKER_MODE = defineSearchAttributeKey('TickerMode', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword'> = {
  Ticker: 'Keyword',
  BarInterval: 'Keyword',
  ShardId: 'Keyword',
  ModelVersion: 'Keyword',
  BatchStatus: 'Keyword',
  TickerMode: 'Keyword',
};
