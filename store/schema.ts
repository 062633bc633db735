import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../config/config';

/**
 * DynamoDB table design (documented in the README):
 * - bars:         pk = "<TICKER>#<interval>", sk t = bar open time (epoch ms). One item per bar:
 *                 OHLCV plus every indicator. Writes are idempotent puts on that key.
 * - dead-letters: pk source = "kinesis/<stream>/<shardId>", sk seq = Kinesis sequence number.
 *                 The raw record (truncated to 8 KiB) and the reason it was rejected.
 * - tickers:      pk = "<TICKER>#<interval>". Ingestion progress per series: last bar, lag.
 * - predictions:  pk = "<TICKER>#<interval>", sk t = the bar the prediction was made at. Predicted
 *                 return and price `horizon` bars ahead and the model version. Kept apart from
 *                 bars so re-processing a bar never erases its prediction, and vice versa.
 *                 Also the challenger's forecasts (pk "<TICKER>#<interval>@<version>") and live
 *                 scoring's progress per model and series (pk "live#<version>#<TICKER>#<interval>", t 0).
 * - models:       pk version. The model registry: data range, hyperparameters, metrics,
 *                 decision and reason, artifact; plus deployment records (pk "deployment#<time>").
 * - alert-rules:  pk id. Price alert rules (domain/alert-rules.ts).
 * - alerts:       pk ruleId, sk t = the bar that crossed. One item per alert, written once
 *                 (conditional put), with publishedAt once SNS accepted it.
 */
export function tableDefinitions(tables: TableNames): CreateTableCommandInput[] {
  const onDemand = { BillingMode: 'PAY_PER_REQUEST' as const };
  return [
    {
      TableName: tables.bars,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 't', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 't', AttributeType: 'N' },
      ],
      ...onDemand,
    },
    {
      TableName: tables.deadLetters,
      KeySchema: [
        { AttributeName: 'source', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'source', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'S' },
      ],
      ...onDemand,
    },
    {
      TableName: tables.predictions,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 't', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 't', AttributeType: 'N' },
      ],
      ...onDemand,
    },
    {
      TableName: tables.models,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      ...onDemand,
    },
    {
      TableName: tables.alertRules,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ...onDemand,
    },
    {
      TableName: tables.alerts,
      KeySchema: [
        { AttributeName: 'ruleId', KeyType: 'HASH' },
        { AttributeName: 't', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'ruleId', AttributeType: 'S' },
        { AttributeName: 't', AttributeType: 'N' },
      ],
      ...onDemand,
    },
    {
      TableName: tables.tickers,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      ...onDemand,
    },
  ];
}
