import type { LiveScores } from '../domain/live-scores';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ForecastMetrics } from '../domain/forecast-metrics';
import type { TickerScores } from '../domain/holdout-scores';
import type { DatasetSummary } from '../workflows/training-contracts';
import { allItems } from './pages';

type ModelDecision = 'training' | 'promoted' | 'rejected' | 'failed';

/** Predicted vs actual on the holdout, a sample kept for the training portal's chart. */
export interface HoldoutPoint {
  ticker: string;
  t: number;
  actual: number;
  predicted: number;
}

/** One training run's model: what it learned from, how it scored, what was decided and why. */
export interface ModelRecord {
  version: string;
  createdAt: string;
  workflowId: string;
  trigger: string;
  interval: string;
  horizon: number;
  decision: ModelDecision;
  reason: string;
  hyperparameters: Record<string, string>;
  trainingJob?: string;
  artifact?: string;
  dataset?: DatasetSummary;
  metrics?: ForecastMetrics;
  /** The model in service when this one was evaluated, scored on the same holdout. */
  incumbent?: { version: string; metrics: ForecastMetrics };
  holdoutSample?: HoldoutPoint[];
  /** Its holdout scores per ticker, most rows first (at most 200 tickers). */
  perTicker?: TickerScores[];
  /** Why it could not be staged as the challenger (it is never chosen again). */
  challengerFailure?: string;
  /** While it serves: its scores on the bars after its training data (the live-scoring Schedule). */
  live?: LiveScores;
  updatedAt: string;
}

/** A change of the model behind the endpoint (promotion, manual promote, rollback). */
export interface DeploymentRecord {
  at: string;
  version: string;
  previous: string | null;
  reason: string;
  workflowId: string;
}

const DEPLOYMENT = 'deployment#';

/** The registry lives in one small table: model items keyed by version, deployment items by time. */
export class ModelRegistry {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(record: ModelRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.table, Item: { pk: record.version, kind: 'model', ...record } }),
    );
  }

  async update(version: string, change: Partial<Omit<ModelRecord, 'version'>>): Promise<void> {
    const entries = Object.entries({ ...change, updatedAt: new Date().toISOString() }).filter(
      ([, v]) => v !== undefined,
    );
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: version },
        UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }

  async get(version: string): Promise<ModelRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.table, Key: { pk: version } }));
    return Item && Item.kind === 'model' ? strip<ModelRecord>(Item) : undefined;
  }

  /** Every model, newest first. */
  async list(): Promise<ModelRecord[]> {
    return (await this.scan('model'))
      .map((item) => strip<ModelRecord>(item))
      .sort((a, b) => b.version.localeCompare(a.version));
  }

  async recordDeployment(deployment: DeploymentRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `${DEPLOYMENT}${deployment.at}#${deployment.version}`, kind: 'deployment', ...deployment },
      }),
    );
  }

  /** Every deployment, newest first. */
  async deployments(): Promise<DeploymentRecord[]> {
    return (await this.scan('deployment'))
      .map((item) => strip<DeploymentRecord>(item))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  private scan(kind: string): Promise<Record<string, unknown>[]> {
    return allItems<Record<string, unknown>>((start) =>
      this.documents.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'kind = :kind',
          ExpressionAttributeValues: { ':kind': kind },
          ExclusiveStartKey: start,
        }),
      ),
    );
  }
}

function strip<T>({ pk: _pk, kind: _kind, ...rest }: Record<string, unknown>): T {
  return rest as T;
}
