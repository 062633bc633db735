import type { Client } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import type { AwsClients } from '../clients/aws';
import { AlertsStore } from '../store/alerts-store';
import { BarsStore } from '../store/bars-store';
import { ModelRegistry } from '../store/model-registry';
import { SeriesProgressStore } from '../store/series-progress-store';

/** What the API's handlers use, built once per server. */
export interface ApiContext {
  config: TickflowConfig;
  aws: AwsClients;
  temporal: Client;
  /** Bearer token every mutating request must carry. */
  token: string;
  bars: BarsStore;
  series: SeriesProgressStore;
  alerts: AlertsStore;
  models: ModelRegistry;
}

export function apiContext(config: TickflowConfig, aws: AwsClients, temporal: Client, token: string): ApiContext {
  return {
    config,
    aws,
    temporal,
    token,
    bars: new BarsStore(aws.documents, config.tables.bars),
    series: new SeriesProgressStore(aws.documents, config.tables.tickers),
    alerts: new AlertsStore(aws.documents, config.tables.alerts),
    models: new ModelRegistry(aws.documents, config.tables.models),
  };
}
