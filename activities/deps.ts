import type { Client } from '@temporalio/client';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { TickflowConfig } from '../config/config';
import type { PipelineMetrics } from '../observability/metrics';
import type { AlertDispatcher } from './alerts';
import type { OffboardedSeries } from './offboarded-series';
import type { BarsStore } from '../store/bars-store';
import type { DeadLetterStore } from '../store/dead-letter-store';
import type { SeriesProgressStore } from '../store/series-progress-store';

/** What the ingest activities need from the outside world, built once per worker process. */
export interface IngestDeps {
  config: TickflowConfig;
  kinesis: KinesisClient;
  temporal: Client;
  bars: BarsStore;
  deadLetters: DeadLetterStore;
  series: SeriesProgressStore;
  sagemakerRuntime: SageMakerRuntimeClient;
  alerts: AlertDispatcher;
  offboarded: OffboardedSeries;
  metrics: PipelineMetrics;
}
