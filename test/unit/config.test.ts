import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/config';
import { serviceSpecs } from '../../local/services';
import { restartService } from '../../local/stack';
import { workflowCacheFor } from '../../workers/ingest-worker';

describe('loadConfig', () => {
  test('local defaults point every client at 127.0.0.1', () => {
    const config = loadConfig({});
    expect(config.stack).toBe('local');
    expect(config.endpoints).toEqual({
      kinesis: 'http://127.0.0.1:4567',
      dynamodb: 'http://127.0.0.1:8000',
      s3: 'http://127.0.0.1:5000',
      sns: 'http://127.0.0.1:5000',
      sagemaker: 'http://127.0.0.1:8086',
    });
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.tables).toEqual({
      bars: 'tickflow-bars',
      deadLetters: 'tickflow-dead-letters',
      tickers: 'tickflow-tickers',
      predictions: 'tickflow-predictions',
      models: 'tickflow-models',
      alertRules: 'tickflow-alert-rules',
      alerts: 'tickflow-alerts',
    });
  });

  test('metrics: served on loopback locally and read back by status; off, moved, or listed explicitly', () => {
    expect(loadConfig({}).metrics).toEqual({
      bindAddress: '127.0.0.1:9464',
      scrapeUrls: ['http://127.0.0.1:9464/metrics'],
    });
    expect(loadConfig({ TICKFLOW_METRICS_ADDRESS: 'off' }).metrics).toEqual({ scrapeUrls: [] });
    expect(loadConfig({ TICKFLOW_METRICS_ADDRESS: '0.0.0.0:9100' }).metrics.scrapeUrls).toEqual([
      'http://127.0.0.1:9100/metrics',
    ]);
    expect(
      loadConfig({ TICKFLOW_METRICS_URLS: 'http://10.0.1.5:9464/metrics, http://10.0.2.7:9464/metrics' }).metrics
        .scrapeUrls,
    ).toHaveLength(2);
    expect(() => loadConfig({ TICKFLOW_METRICS_ADDRESS: '9464' })).toThrow(
      /TICKFLOW_METRICS_ADDRESS: host:port to serve \/metrics on, or "off" \(got "9464"\)/,
    );
    expect(() => loadConfig({ TICKFLOW_METRICS_URLS: 'http://ok/metrics,not a url' })).toThrow(/TICKFLOW_METRICS_URLS/);
  });

  test('ports move the endpoints with them', () => {
    const config = loadConfig({ TICKFLOW_KINESIS_PORT: '14567', TICKFLOW_TEMPORAL_PORT: '17233' });
    expect(config.endpoints.kinesis).toBe('http://127.0.0.1:14567');
    expect(config.temporal.address).toBe('127.0.0.1:17233');
  });

  test('DynamoDB Local keeps its tables under the home folder, in a chosen folder, or in memory (then a restart would lose them)', async () => {
    const dynamodb = (env: NodeJS.ProcessEnv) =>
      serviceSpecs(loadConfig(env)).find((spec) => spec.name === 'dynamodb')!;
    const onDisk = dynamodb({ TICKFLOW_HOME: '/srv/tickflow' });
    expect(onDisk.args).toEqual(expect.arrayContaining(['-dbPath', path.join('/srv/tickflow', 'data', 'dynamodb')]));
    expect(onDisk).toMatchObject({
      dataDirs: [path.join('/srv/tickflow', 'data', 'dynamodb')],
      keepsDataOnRestart: true,
    });
    expect(dynamodb({ TICKFLOW_DYNAMODB_DATA: '/dev/shm/ddb' }).args).toEqual(
      expect.arrayContaining(['-dbPath', '/dev/shm/ddb']),
    );
    const inMemory = dynamodb({ TICKFLOW_DYNAMODB_DATA: 'memory' });
    expect(inMemory.args).toContain('-inMemory');
    expect(inMemory.args).not.toContain('-dbPath');
    expect(inMemory).toMatchObject({ dataDirs: [], keepsDataOnRestart: false });
    expect(() => loadConfig({ TICKFLOW_DYNAMODB_DATA: '' })).toThrow(/TICKFLOW_DYNAMODB_DATA/);
    // Refused before anything is stopped, so no stack needs to run here.
    await expect(restartService(loadConfig({ TICKFLOW_DYNAMODB_DATA: 'memory' }), 'dynamodb')).rejects.toThrow(
      /dynamodb keeps its data in memory .*a restart would lose it/,
    );
  });

  test('aws uses SDK default endpoints and requires a Temporal address', () => {
    expect(() => loadConfig({ TICKFLOW_STACK: 'aws' })).toThrow(/TEMPORAL_ADDRESS: required when TICKFLOW_STACK=aws/);
    const model = {
      TICKFLOW_MODEL_IMAGE: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/tickflow-model:1',
      TICKFLOW_SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/sm',
    };
    expect(() => loadConfig({ TICKFLOW_STACK: 'aws', TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233' })).toThrow(
      /TICKFLOW_MODEL_IMAGE: required[\s\S]*TICKFLOW_SAGEMAKER_ROLE_ARN: required/,
    );
    const config = loadConfig({
      TICKFLOW_STACK: 'aws',
      TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233',
      AWS_REGION: 'eu-west-1',
      ...model,
    });
    expect(config.endpoints).toEqual({});
    expect(config.region).toBe('eu-west-1');
  });

  test('every bad value is named, with what was given', () => {
    let error: unknown;
    try {
      loadConfig({
        TICKFLOW_KINESIS_PORT: 'abc',
        TICKFLOW_SHARDS: '0',
        TICKFLOW_STACK: 'cloud',
        AWS_REGION: 'mars',
        TICKFLOW_WORKFLOW_CACHE: '1',
        TICKFLOW_MODEL_CHALLENGER: 'yes',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/TICKFLOW_KINESIS_PORT: .*\(got "abc"\)/);
    expect(message).toMatch(/TICKFLOW_SHARDS: .*\(got "0"\)/);
    expect(message).toMatch(/TICKFLOW_STACK: .*\(got "cloud"\)/);
    expect(message).toMatch(/AWS_REGION: an AWS region such as us-east-1 \(got "mars"\)/);
    expect(message).toMatch(/TICKFLOW_WORKFLOW_CACHE: .*\(got "1"\)/);
    expect(message).toMatch(/TICKFLOW_MODEL_CHALLENGER: .*\(got "yes"\)/);
  });

  test('the challenger is staged unless turned off', () => {
    expect(loadConfig({}).model.challenger).toBe(true);
    expect(loadConfig({ TICKFLOW_MODEL_CHALLENGER: 'off' }).model.challenger).toBe(false);
  });

  test('forecast quantile levels: ascending, inside (0, 1), the median among them', () => {
    expect(loadConfig({}).model.quantiles).toEqual([0.1, 0.5, 0.9]);
    expect(loadConfig({ TICKFLOW_FORECAST_QUANTILES: '0.05, 0.25,0.5,0.75,0.95' }).model.quantiles).toEqual([
      0.05, 0.25, 0.5, 0.75, 0.95,
    ]);
    expect(() => loadConfig({ TICKFLOW_FORECAST_QUANTILES: '0.1,0.9' })).toThrow(
      /TICKFLOW_FORECAST_QUANTILES: .*three levels/,
    );
    expect(() => loadConfig({ TICKFLOW_FORECAST_QUANTILES: '0.1,0.4,0.9' })).toThrow(
      /TICKFLOW_FORECAST_QUANTILES: .*median, 0\.5/,
    );
    expect(() => loadConfig({ TICKFLOW_FORECAST_QUANTILES: '0.9,0.5,0.1' })).toThrow(
      /TICKFLOW_FORECAST_QUANTILES: .*ascending/,
    );
    expect(() => loadConfig({ TICKFLOW_FORECAST_QUANTILES: '0,0.5,1' })).toThrow(
      /TICKFLOW_FORECAST_QUANTILES: .*above 0/,
    );
    expect(() => loadConfig({ TICKFLOW_FORECAST_QUANTILES: 'low,0.5,high' })).toThrow(/TICKFLOW_FORECAST_QUANTILES/);
  });

  test('the ingest worker caches as many workflows as it is told, else one per MiB of heap above 512 MiB', () => {
    expect(loadConfig({ TICKFLOW_WORKFLOW_CACHE: '9000' }).ingest.workflowCache).toBe(9000);
    expect(loadConfig({}).ingest.workflowCache).toBeUndefined();
    expect(workflowCacheFor(4144 * 2 ** 20)).toBe(3632);
    expect(workflowCacheFor(12 * 2 ** 30)).toBe(11776);
    expect(workflowCacheFor(256 * 2 ** 20)).toBe(100);
  });
});
