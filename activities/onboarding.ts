import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { TickflowConfig } from '../config/config';
import { failUnlessTransient } from './failure-kind';
import { parseS3Uri } from '../store/s3-uri';
import { parseYahooCsv } from '../domain/yahoo-csv';
import { produce } from '../producer/produce';
import { historySource } from '../producer/sources/replay';
import type { SeriesProgressStore } from '../store/series-progress-store';
import type {
  BackfillResult,
  HistorySource,
  OnboardRequest,
  RegistryActivities,
} from '../workflows/registry-contracts';

export interface OnboardingDeps {
  config: TickflowConfig;
  kinesis: KinesisClient;
  s3: S3Client;
  series: SeriesProgressStore;
}

async function readHistory(s3: S3Client, source: Exclude<HistorySource, { kind: 'none' }>): Promise<string> {
  if (source.kind === 'csv') return readFile(source.path, 'utf8');
  const { bucket, key } = parseS3Uri(source.uri);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}

export function createOnboardingActivities(deps: OnboardingDeps): RegistryActivities {
  return {
    /** Sends the ticker's history into the stream, like live data: same validation, same path, same order. */
    async backfillHistory(request: OnboardRequest): Promise<BackfillResult> {
      if (request.source.kind === 'none') return { bars: 0, lastBarTime: null };
      const origin = request.source.kind === 'csv' ? request.source.path : request.source.uri;
      const source = request.source;
      // A missing file or a malformed CSV will not get better by retrying.
      const history = await failUnlessTransient(
        async () => parseYahooCsv(await readHistory(deps.s3, source), origin),
        'BadHistorySource',
      );
      const bars = history.filter((b) => request.from === undefined || b.t >= request.from).sort((a, b) => a.t - b.t);
      const context = Context.current();
      await produce(deps.kinesis, historySource(request.ticker, request.interval, bars, origin), {
        streamName: deps.config.stream.name,
        progressEveryMs: 1_000,
        onProgress: (p) => context.heartbeat(p),
      });
      return { bars: bars.length, lastBarTime: bars[bars.length - 1]?.t ?? null };
    },

    /** Waits until the ticker's workflow has stored the series through `through` (the indicators are then warm). */
    async awaitSeriesStored({ ticker, interval, through }): Promise<void> {
      const context = Context.current();
      for (;;) {
        const progress = await deps.series.get(ticker, interval);
        context.heartbeat({ storedThrough: progress?.lastBarTime ?? null });
        if (progress && progress.lastBarTime >= through) return;
        await Promise.race([sleep(500), context.cancelled]);
      }
    },
  };
}
