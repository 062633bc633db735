/**
 * Scale run: 500 synthetic tickers (1-minute bars) and every real daily dataset, produced
 * together into one stream and processed by one ingest worker, on a stack of its own
 * (.tickflow/bench, its own ports). Verifies that every series is stored completely, then
 * records throughput, lag and the worker's peak memory in bench/RESULTS.md.
 *
 *   npm run bench:scale -- [--tickers 500] [--bars 60]
 */
import { seriesKey } from '../domain/series-key';
import { setTimeout as sleep } from 'node:timers/promises';
import { produce } from '../producer/produce';
import { datasetsSource, realDatasets } from '../producer/sources/datasets';
import { syntheticSource } from '../producer/sources/synthetic';
import { syntheticTickerName } from '../domain/synthetic';
import { BarsStore } from '../store/bars-store';
import { SeriesProgressStore } from '../store/series-progress-store';
import { readWorkerMetrics } from '../cli/worker-metrics';
import { recordResults } from './results';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { benchOptions } from './options';

const { tickers, bars: barsPerTicker } = benchOptions('scale', { tickers: 500, bars: 60 });
if (!Number.isInteger(tickers) || tickers < 1 || !Number.isInteger(barsPerTicker) || barsPerTicker < 1)
  throw new Error('--tickers and --bars must be positive integers');

const say = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);

async function main(): Promise<void> {
  await withBenchStack(say, async ({ config, aws, worker, workerLog: logFile, peakRssKb }) => {
    const datasets = realDatasets();
    const expected = new Map<string, { interval: string; count: number; last: number }>();
    const startTime = Date.parse('2024-01-02T14:30:00Z');
    for (let i = 0; i < tickers; i++)
      expected.set(`${syntheticTickerName(i)}#1m`, {
        interval: '1m',
        count: barsPerTicker,
        last: startTime + (barsPerTicker - 1) * 60_000,
      });
    for (const d of datasets)
      expected.set(`${d.ticker}#1d`, { interval: '1d', count: d.bars.length, last: d.bars.at(-1)!.t });
    const totalBars = [...expected.values()].reduce((n, e) => n + e.count, 0);

    say(
      `producing ${tickers} synthetic tickers × ${barsPerTicker} bars and ${datasets.length} real series (${totalBars} bars) together`,
    );
    const started = Date.now();
    const [synthetic, real] = await Promise.all([
      produce(
        aws.kinesis,
        syntheticSource({ tickers, bars: barsPerTicker, seed: 42, interval: '1m', rate: 'max', startTime }),
        { streamName: config.stream.name },
      ),
      produce(aws.kinesis, datasetsSource(datasets), { streamName: config.stream.name }),
    ]);
    const producedMs = Date.now() - started;
    say(
      `produced ${synthetic.sent + real.sent} records in ${(producedMs / 1000).toFixed(1)} s; waiting for the pipeline`,
    );

    const seriesStore = new SeriesProgressStore(aws.documents, config.tables.tickers);
    let done = 0;
    for (let lastReport = 0; done < expected.size;) {
      if (worker.exitCode !== null) throw new Error(`the worker exited; see ${logFile}`);
      if (Date.now() - started > 30 * 60_000) throw new Error('not caught up within 30 minutes');
      const stored = await seriesStore.list();
      done = stored.filter((s) => expected.get(seriesKey(s.ticker, s.interval))?.last === s.lastBarTime).length;
      if (Date.now() - lastReport > 5000) {
        say(`${done}/${expected.size} series complete, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        lastReport = Date.now();
      }
      if (done < expected.size) await sleep(500);
    }
    const elapsedMs = Date.now() - started;
    const metrics = await readWorkerMetrics(config.metrics.scrapeUrls);

    say('verifying every series is stored completely');
    const barsStore = new BarsStore(aws.documents, config.tables.bars);
    const incomplete: string[] = [];
    for (const [key, e] of expected) {
      const [ticker] = key.split('#');
      const count = await barsStore.count(ticker!, e.interval);
      if (count !== e.count) incomplete.push(`${key}: ${count} of ${e.count}`);
    }
    if (incomplete.length) throw new Error(`incomplete series:\n${incomplete.slice(0, 20).join('\n')}`);

    const summary = metrics.summary;
    const rows: Array<[string, string]> = [
      [
        'series',
        `${expected.size} (${tickers} synthetic 1m × ${barsPerTicker} bars; ${datasets.map((d) => `${d.ticker} ${d.bars.length}`).join(', ')} daily)`,
      ],
      ['bars', String(totalBars)],
      ['produce (PutRecords, 2 producers)', `${(producedMs / 1000).toFixed(1)} s`],
      ['produce start → last series complete', `${(elapsedMs / 1000).toFixed(1)} s`],
      ['end-to-end throughput', `${(totalBars / (elapsedMs / 1000)).toFixed(0)} bars/s`],
      ['bars stored (worker metric)', String(summary?.barsStored ?? '-')],
      [
        'lag arrival → stored, median / worst series',
        `${summary?.lag.medianSeconds?.toFixed(1) ?? '-'} s / ${summary?.lag.worst[0]?.seconds.toFixed(1) ?? '-'} s`,
      ],
      [
        'batch retries / failed batches',
        `${Object.values(summary?.batchRetries ?? {}).reduce((a, b) => a + b, 0)} / ${summary?.batchesFailed ?? '-'}`,
      ],
      ['worker peak RSS', `${(peakRssKb() / 1024).toFixed(0)} MiB`],
      ['every series complete (counted in DynamoDB)', 'yes'],
    ];
    recordResults(
      'scale',
      'Scale: 500 tickers and the real datasets together',
      `npm run bench:scale -- --tickers ${tickers} --bars ${barsPerTicker}`,
      rows,
      benchStackSetup,
    );
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(46)} ${v}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
