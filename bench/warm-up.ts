/**
 * What a cold start costs a series with a realistic stored history: `--tickers` series of up to
 * `--bars` stored one-minute bars each (a day of trading is 390; each with a forecast; 0 to 49
 * of them after the newest warm-up block, as at any moment in live series), with the warm-up
 * blocks the data plane writes beside them (and the chain's position in each progress item),
 * then every series' state rebuilt from storage as a cold shard read does (the progress items,
 * the blocks they name in batched gets overlapping loadSeriesState, as many at once as the data
 * plane loads), once to warm up and five times measured. Per series, in the median pass: wall
 * time and the loader's own CPU; over the five, the CPU of each process (how much of it DynamoDB
 * Local's); and what 8,000 series would take at that rate on this stack.
 * The market benchmark's cold start has only a few stored bars per series: seeding 8,000 × 1,000
 * bars into DynamoDB Local would take most of an hour.
 *
 *   npm run bench:warm-up -- [--tickers 200] [--bars 1000]
 */
import { eachLimited } from '../activities/each-limited';
import { LOAD_CONCURRENCY } from '../activities/data-plane';
import { hintedBlocks, loadSeriesState } from '../activities/series-state';
import { seriesKey } from '../domain/series-key';
import { BLOCK_BARS } from '../domain/warmup-blocks';
import { BarsStore } from '../store/bars-store';
import { SeriesProgressStore } from '../store/series-progress-store';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { seedHistory } from './bench-model';
import { benchOptions } from './options';
import { recordFigures, recordResults } from './results';

const { tickers: TICKERS, bars: BARS } = benchOptions('warm-up', { tickers: 200, bars: 1000 });
const say = (line: string) => process.stderr.write(`[bench:warm-up] ${line}\n`);
const MARKET_TICKERS = 8000;
const PASSES = 5;

async function main(): Promise<void> {
  const rows = await withBenchStack(say, async (stack) => {
    say(`storing ${TICKERS} tickers × ${BARS} one-minute bars`);
    const { tickers } = await seedHistory(
      stack,
      { tickers: TICKERS, bars: BARS, interval: '1m', forecasts: true, stagger: true },
      say,
    );
    const deps = {
      config: stack.config,
      bars: new BarsStore(stack.aws.documents, stack.config.tables.bars),
      series: new SeriesProgressStore(stack.aws.documents, stack.config.tables.tickers),
    };
    const load = async () => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const progress = await deps.series.getMany(tickers.map((ticker) => ({ ticker, interval: '1m' })));
      const blocks = hintedBlocks(
        deps,
        tickers.flatMap((ticker) => progress.get(seriesKey(ticker, '1m')) ?? []),
      );
      await eachLimited(tickers, LOAD_CONCURRENCY, async (ticker) => {
        const key = seriesKey(ticker, '1m');
        const state = await loadSeriesState(deps, ticker, '1m', progress.get(key), { blocks: blocks.get(key) });
        if (state.indicators.lastBarTime === null) throw new Error(`${ticker}: nothing was loaded`);
      });
      const used = process.cpuUsage(cpu);
      return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    say(`loading every series once to warm the stack up, then ${PASSES} times measured`);
    await load();
    const cpuShares = stack.cpuMeter();
    const passes: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let pass = 0; pass < PASSES; pass++) passes.push(await load());
    const shares = cpuShares();
    // One pass is a few seconds, so a moment of the host taking the CPU moves it: the median pass.
    const { wallMs, cpuMs } = passes.toSorted((a, b) => a.wallMs - b.wallMs)[Math.floor(PASSES / 2)]!;
    const perSeriesMs = wallMs / TICKERS;
    const marketSeconds = (perSeriesMs * MARKET_TICKERS) / 1000;
    recordFigures('warmUp', {
      tickers: TICKERS,
      storedBars: BARS,
      warmupBars: stack.config.ingest.warmupBars,
      msPerSeries: perSeriesMs,
      loaderCpuMsPerSeries: cpuMs / TICKERS,
      secondsFor8000: marketSeconds,
    });
    return [
      [
        'data',
        `${TICKERS} series × ${BARS - BLOCK_BARS + 1}–${BARS} stored one-minute bars; TICKFLOW_WARMUP_BARS ${stack.config.ingest.warmupBars}, ${LOAD_CONCURRENCY} series at once`,
      ],
      [
        `every series rebuilt from storage, the median of ${PASSES} passes`,
        `${(wallMs / 1000).toFixed(1)} s: ${perSeriesMs.toFixed(1)} ms per series, ${((TICKERS * Math.min(BARS, stack.config.ingest.warmupBars)) / (wallMs / 1000)).toFixed(0)} stored bars/s (passes: ${passes.map((p) => (p.wallMs / TICKERS).toFixed(1)).join(', ')} ms per series)`,
      ],
      [
        "the loader's own CPU (query, unmarshalling, indicator replay)",
        `${(cpuMs / TICKERS).toFixed(1)} ms per series`,
      ],
      [`CPU by process over the ${PASSES} passes (% of one core)`, shares],
      [
        `${MARKET_TICKERS.toLocaleString()} series at this rate (one worker, this stack)`,
        `${marketSeconds.toFixed(0)} s`,
      ],
    ] as Array<[string, string]>;
  });
  recordResults(
    'warm-up',
    'Cold start of a series with a realistic stored history',
    `npm run bench:warm-up -- --tickers ${TICKERS} --bars ${BARS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:warm-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
