/**
 * Indicator speed: tickflow's full set (SMA 20/50, EMA 20/50, RSI 14, MACD 12/26/9, Bollinger
 * 20/2, ATR 14, OBV over trading-signals' streaming classes) against TA-Lib's C implementation
 * (npm `talib`) and `technicalindicators`, with the values cross-checked.
 *
 *   npm run bench:indicators -- [--bars 1000000] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as talib from 'talib';
import * as ti from 'technicalindicators';
import { IndicatorSet, INDICATOR_NAMES, type IndicatorValues } from '../domain/indicators';
import type { Bar } from '../domain/market-event';
import { SyntheticMarket } from '../domain/synthetic';
import { recordResults } from './results';
import { benchOptions } from './options';

const { bars: N, runs: RUNS } = benchOptions('indicators', { bars: 1_000_000, runs: 5 });
/** technicalindicators' streaming API is far slower: it gets a tenth of the bars. */
const N_TI = Math.max(1000, Math.floor(N / 10));
/** What a streaming user of a batch library must do per new bar: recompute over a window long enough for the slowest EMA to settle. */
const WINDOW = 300;
const say = (line: string) => process.stderr.write(`[bench:indicators] ${line}\n`);

function bars(n: number): Bar[] {
  const market = new SyntheticMarket({
    tickers: 1,
    seed: 7,
    startTime: Date.parse('2000-01-03T14:30:00Z'),
    stepMs: 60_000,
  });
  return Array.from({ length: n }, () => market.next()[0]!.bar);
}

function timeIt(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * TA-Lib's C core alone: bench/talib-c.c compiled with gcc against the static libraries npm
 * `talib` built, so no JavaScript↔C marshalling is counted. Median, min, max ns per bar.
 */
function talibC(n: number, runs: number): { median: number; min: number; max: number } {
  const lib = path.join(path.dirname(require.resolve('talib/package.json')), 'src', 'lib');
  const binary = path.join(mkdtempSync(path.join(os.tmpdir(), 'talib-c-')), 'talib-c');
  const archives = ['abstract', 'func', 'common', 'libc'].map((part) => path.join(lib, 'lib', `libta_${part}_csr.a`));
  execFileSync('gcc', [
    '-O2',
    '-o',
    binary,
    path.join(__dirname, 'talib-c.c'),
    `-I${path.join(lib, 'include')}`,
    ...archives,
    '-lm',
  ]);
  const [median, min, max] = execFileSync(binary, [String(n), String(runs)])
    .toString()
    .trim()
    .split(' ')
    .map(Number);
  return { median: median!, min: min!, max: max! };
}

/** The pipeline's per-bar work: one add, whose row is written and let go (not kept for a million bars). */
function tickflowStreaming(data: readonly Bar[], keep?: { from: number; rows: IndicatorValues[] }): void {
  const set = IndicatorSet.empty();
  data.forEach((bar, i) => {
    const values = set.add(bar);
    if (keep && i >= keep.from) keep.rows.push(values);
  });
}

interface Columns {
  close: number[];
  high: number[];
  low: number[];
  volume: number[];
}
const columns = (data: readonly Bar[]): Columns => ({
  close: data.map((b) => b.c),
  high: data.map((b) => b.h),
  low: data.map((b) => b.l),
  volume: data.map((b) => b.v),
});

/** The TA-Lib calls of the full set over whole arrays (its only mode), by our output names. */
function talibCalls({
  close,
  high,
  low,
  volume,
}: Columns): Array<[string, Record<string, unknown>, Record<string, string>]> {
  return [
    ['SMA', { inReal: close, optInTimePeriod: 20 }, { sma20: 'outReal' }],
    ['SMA', { inReal: close, optInTimePeriod: 50 }, { sma50: 'outReal' }],
    ['EMA', { inReal: close, optInTimePeriod: 20 }, { ema20: 'outReal' }],
    ['EMA', { inReal: close, optInTimePeriod: 50 }, { ema50: 'outReal' }],
    ['RSI', { inReal: close, optInTimePeriod: 14 }, { rsi14: 'outReal' }],
    [
      'MACD',
      { inReal: close, optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
      { macd: 'outMACD', macdSignal: 'outMACDSignal', macdHistogram: 'outMACDHist' },
    ],
    [
      'BBANDS',
      { inReal: close, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
      { bbUpper: 'outRealUpperBand', bbMiddle: 'outRealMiddleBand', bbLower: 'outRealLowerBand' },
    ],
    ['ATR', { high, low, close, optInTimePeriod: 14 }, { atr14: 'outReal' }],
    ['OBV', { inReal: close, volume }, { obv: 'outReal' }],
  ];
}

/** Runs the set; with `align`, returns every output aligned to the input bars (for the cross-check). */
function talibBatch(input: Columns, align = false): Record<string, (number | null)[]> {
  const endIdx = input.close.length - 1;
  const outputs: Record<string, (number | null)[]> = {};
  for (const [name, params, names] of talibCalls(input)) {
    const { begIndex, result } = talib.execute({ name, startIdx: 0, endIdx, ...params });
    if (align)
      for (const [ours, theirs] of Object.entries(names))
        outputs[ours] = [...Array<null>(begIndex).fill(null), ...result[theirs]!];
  }
  return outputs;
}

/** technicalindicators' streaming classes (nextValue), the same set. */
function technicalIndicatorsStreaming(data: readonly Bar[]): void {
  const sma20 = new ti.SMA({ period: 20, values: [] });
  const sma50 = new ti.SMA({ period: 50, values: [] });
  const ema20 = new ti.EMA({ period: 20, values: [] });
  const ema50 = new ti.EMA({ period: 50, values: [] });
  const rsi = new ti.RSI({ period: 14, values: [] });
  const macd = new ti.MACD({
    fastPeriod: 12,
    slowPeriod: 26,
    signalPeriod: 9,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
    values: [],
  });
  const bb = new ti.BollingerBands({ period: 20, stdDev: 2, values: [] });
  const atr = new ti.ATR({ period: 14, high: [], low: [], close: [] });
  const obv = new ti.OBV({ close: [], volume: [] });
  for (const b of data) {
    sma20.nextValue(b.c);
    sma50.nextValue(b.c);
    ema20.nextValue(b.c);
    ema50.nextValue(b.c);
    rsi.nextValue(b.c);
    macd.nextValue(b.c);
    bb.nextValue(b.c);
    atr.nextValue({ high: b.h, low: b.l, close: b.c } as never);
    obv.nextValue({ close: b.c, volume: b.v } as never);
  }
}

/**
 * Largest relative difference over the last `tail` bars, per indicator (seeding conventions
 * differ at the start; settled values must agree). OBV is compared as a change from the first
 * compared bar: TA-Lib starts its running sum with the first volume, trading-signals with 0.
 */
function crossCheck(
  ours: IndicatorValues[],
  theirs: Record<string, (number | null)[]>,
  tail: number,
): Record<string, number> {
  const from = ours.length - tail;
  // The volatility for the baseline forecast is ours alone: TA-Lib has no RiskMetrics estimate.
  return Object.fromEntries(
    INDICATOR_NAMES.filter((name) => name in theirs).map((name) => {
      let worst = 0;
      const base = name === 'obv' ? [ours[from]![name] ?? 0, theirs[name]![from] ?? 0] : [0, 0];
      for (let i = from; i < ours.length; i++) {
        const a = (ours[i]![name] ?? NaN) - base[0]!;
        const b = (theirs[name]![i] ?? NaN) - base[1]!;
        worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1e-9));
      }
      return [name, worst];
    }),
  );
}

function main(): void {
  say(`generating ${N.toLocaleString()} bars`);
  const data = bars(N);
  const ours: number[] = [];
  const ta: number[] = [];
  const taWindow: number[] = [];
  const tiStream: number[] = [];
  const input = columns(data);
  const CHECKED = 10_000;
  const last = { from: N - CHECKED, rows: [] as IndicatorValues[] };
  tickflowStreaming(data, last);
  // Only the compared tail is kept: a million retained rows would slow every timed run's GC.
  const lastTa = Object.fromEntries(Object.entries(talibBatch(input, true)).map(([k, v]) => [k, v.slice(N - CHECKED)]));
  const windowBars = 10_000;
  for (let run = 1; run <= RUNS; run++) {
    ours.push(timeIt(() => tickflowStreaming(data)));
    ta.push(timeIt(() => talibBatch(input)));
    // Streaming with a batch library: recompute the last WINDOW bars for each of 10,000 new bars.
    taWindow.push(
      timeIt(() => {
        for (let i = data.length - windowBars; i < data.length; i++)
          talibBatch({
            close: input.close.slice(i - WINDOW, i + 1),
            high: input.high.slice(i - WINDOW, i + 1),
            low: input.low.slice(i - WINDOW, i + 1),
            volume: input.volume.slice(i - WINDOW, i + 1),
          });
      }),
    );
    tiStream.push(timeIt(() => technicalIndicatorsStreaming(data.slice(0, N_TI))));
    say(
      `run ${run}/${RUNS}: tickflow ${ours.at(-1)!.toFixed(0)} ms, TA-Lib ${ta.at(-1)!.toFixed(0)} ms, TA-Lib windowed ${taWindow.at(-1)!.toFixed(0)} ms, technicalindicators ${tiStream.at(-1)!.toFixed(0)} ms`,
    );
  }
  const differences = crossCheck(last.rows, lastTa, CHECKED);
  const worst = Object.entries(differences).sort(([, a], [, b]) => b - a)[0]!;
  if (worst[1] > 1e-6) throw new Error(`values disagree with TA-Lib: ${worst[0]} differs by ${worst[1]} (relative)`);

  say('TA-Lib C core alone (gcc -O2)');
  const c = talibC(N, RUNS);
  const perBarNs = (ms: number, bars: number) => (ms * 1e6) / bars;
  const o = stats(ours.map((ms) => perBarNs(ms, N)));
  const t = stats(ta.map((ms) => perBarNs(ms, N)));
  const w = stats(taWindow.map((ms) => perBarNs(ms, windowBars)));
  const x = stats(tiStream.map((ms) => perBarNs(ms, N_TI)));
  const fmt = (s: { median: number; min: number; max: number }) =>
    `${s.median.toFixed(0)} ns (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
  const rows: Array<[string, string]> = [
    [
      'bars',
      `${N.toLocaleString()} 1-minute bars (seeded synthetic), ${RUNS} runs; median (min–max) per bar for the full set (${INDICATOR_NAMES.length} outputs for tickflow, which adds a RiskMetrics volatility; 13 for the others)`,
    ],
    [
      'tickflow (trading-signals, streaming: one add per bar)',
      `${fmt(o)} — ${(N / (stats(ours).median / 1000) / 1e6).toFixed(2)} M bars/s`,
    ],
    [
      'TA-Lib C core alone (bench/talib-c.c, gcc -O2, same 9 calls)',
      `${c.median.toFixed(0)} ns (${c.min.toFixed(0)}–${c.max.toFixed(0)})`,
    ],
    ['TA-Lib through npm talib, whole arrays (inputs prepared outside the timing; JS↔C copying included)', fmt(t)],
    [`TA-Lib through npm talib, streaming by recomputing the last ${WINDOW} bars per new bar`, fmt(w)],
    [`technicalindicators, streaming (nextValue), ${N_TI.toLocaleString()} bars`, fmt(x)],
    [
      'tickflow / TA-Lib C core (target ≤ 2×)',
      `${(o.median / c.median).toFixed(1)}× — ${o.median / c.median <= 2 ? 'met' : 'missed'}`,
    ],
    ['tickflow / TA-Lib through npm talib', `${(o.median / t.median).toFixed(2)}×`],
    ['tickflow / TA-Lib streaming-by-recompute', `${(o.median / w.median).toFixed(3)}×`],
    ['tickflow / technicalindicators streaming', `${(o.median / x.median).toFixed(3)}×`],
    [
      'values vs TA-Lib, last 10,000 bars, worst relative difference',
      `${worst[0]} ${worst[1].toExponential(1)} (all ${Object.keys(differences).length} shared outputs ≤ 1e-6)`,
    ],
  ];
  recordResults(
    'indicators',
    'Indicators: tickflow vs TA-Lib C and technicalindicators',
    `npm run bench:indicators -- --bars ${N} --runs ${RUNS}`,
    rows,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(72)} ${v}\n`);
}

main();
