import type { AwsClients } from '../../clients/aws';
import { alertsTopicArn } from '../../clients/alerts-topic';
import type { TickflowConfig } from '../../config/config';
import { BarsStore } from '../../store/bars-store';
import { LiveScoringStore } from '../../store/live-scoring-store';
import { ModelRegistry } from '../../store/model-registry';
import { challengerForecasts, type Prediction } from '../../store/predictions-store';
import type { SeriesTable } from '../../store/series-table';
import { SeriesProgressStore } from '../../store/series-progress-store';

/** What the training activities need from the outside world, built once per worker process. */
export interface TrainingDeps {
  config: TickflowConfig;
  aws: Pick<AwsClients, 's3' | 'sagemaker' | 'sagemakerRuntime' | 'sns'>;
  /** Where the model-in-service alert goes: the alerts topic. */
  alertsTopicArn: () => Promise<string>;
  bars: BarsStore;
  series: SeriesProgressStore;
  registry: ModelRegistry;
  /** A challenger's forecasts (the champion's are in the bars' items). */
  challengerForecasts: (version: string) => SeriesTable<Prediction>;
  liveScoring: LiveScoringStore;
}

export function createTrainingDeps(config: TickflowConfig, aws: AwsClients): TrainingDeps {
  return {
    config,
    aws,
    bars: new BarsStore(aws.documents, config.tables.bars),
    series: new SeriesProgressStore(aws.documents, config.tables.tickers),
    registry: new ModelRegistry(aws.documents, config.tables.models),
    challengerForecasts: (version) => challengerForecasts(aws.documents, config.tables.predictions, version),
    liveScoring: new LiveScoringStore(aws.documents, config.tables.predictions),
    alertsTopicArn: alertsTopicArn(aws.sns, config),
  };
}

/** SageMaker resource names derived from a model version, so every retry addresses the same ones. */
export const sagemakerNames = (config: TickflowConfig, version: string) => ({
  trainingJob: `tickflow-${version}`,
  /** Where training jobs write: SageMaker puts <job>/output/{model,output}.tar.gz below it. */
  trainingOutputPath: `s3://${config.bucket}/models`,
  model: `tickflow-${version}`,
  /** The version serving alone; with a challenger staged beside it, see endpointConfigName. */
  endpointConfig: endpointConfigName(config, version, null),
  /** The variant is named after the version: InvokeEndpoint reports it with every answer. */
  variant: version,
});

/** The endpoint config that serves `champion`, with `challenger` at weight 0 beside it (within 63 characters). */
export function endpointConfigName(config: TickflowConfig, champion: string, challenger: string | null): string {
  const versions = challenger ? `${champion}-${challenger}` : champion;
  return `${config.sagemaker.endpointName.slice(0, 62 - versions.length)}-${versions}`;
}
