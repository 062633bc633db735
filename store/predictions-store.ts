import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putAll } from './batch-write';
import { allItems, countAll } from './pages';
import { seriesKey } from './schema';

/** The model's forecast made at one bar: the return and price `horizon` bars later. */
export interface Prediction {
  ticker: string;
  interval: string;
  /** Time of the bar the prediction was made at (epoch ms). */
  t: number;
  horizon: number;
  predictedReturn: number;
  predictedClose: number;
  modelVersion: string;
  predictedAt: number;
}

type PredictionItem = Prediction & { pk: string };

export class PredictionsStore {
  constructor(private readonly documents: DynamoDBDocumentClient, private readonly table: string) {}

  /** Idempotent: a bar's prediction is keyed by its series and time, so a retry overwrites it. */
  async put(predictions: Prediction[]): Promise<void> {
    await putAll(this.documents, this.table, predictions.map((p) => ({ pk: seriesKey(p.ticker, p.interval), ...p })), 2);
  }

  async range(ticker: string, interval: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<Prediction[]> {
    const items = await allItems<PredictionItem>((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND t BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': seriesKey(ticker, interval), ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(({ pk: _pk, ...p }) => p);
  }

  async count(ticker: string, interval: string): Promise<number> {
    return countAll((start) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': seriesKey(ticker, interval) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      ),
    );
  }
}
