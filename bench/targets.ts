/**
 * The data plane's targets judged from one run's bench/results.json: each target, the figure
 * the run measured, and whether it was met. A figure the run did not record says so.
 */
export type RunFigures = Record<string, Record<string, unknown> | unknown>;

interface Target {
  name: string;
  /** The figure as shown, and whether it meets the target; undefined when the run lacks it. */
  judge(
    figures: (section: string, key: string) => number | boolean | undefined,
  ): { shown: string; met: boolean } | undefined;
}

const number = (value: number | boolean | undefined) => (typeof value === 'number' ? value : undefined);

const TARGETS: readonly Target[] = [
  {
    name: 'the market (8,000 tickers × 1 bar per minute, predictions on) kept up, p99 ≤ 1.5 × the floor',
    judge: (f) => {
      const keptUp = f('market', 'keptUp');
      const p99 = number(f('market', 'p99Ms'));
      const floor = number(f('floor', 'p99Ms'));
      if (typeof keptUp !== 'boolean' || p99 === undefined || floor === undefined) return undefined;
      const ratio = p99 / floor;
      return {
        shown: `${keptUp ? 'kept up' : 'fell behind'}; p99 ${p99.toFixed(0)} ms = ${ratio.toFixed(2)} × the floor's ${floor.toFixed(0)} ms`,
        met: keptUp && ratio <= 1.5,
      };
    },
  },
  {
    name: 'ten times the market (1,333 bars/s) kept up',
    judge: (f) => {
      const keptUp = f('tenX', 'keptUp');
      const p99 = number(f('tenX', 'p99Ms'));
      if (typeof keptUp !== 'boolean' || p99 === undefined) return undefined;
      return { shown: `${keptUp ? 'kept up' : 'fell behind'}; p99 ${p99.toFixed(0)} ms`, met: keptUp };
    },
  },
  {
    name: 'throughput ≥ 10 × the seed-style handler',
    judge: (f) => {
      const ratio = number(f('baseline', 'ratio'));
      return ratio === undefined ? undefined : { shown: `${ratio.toPrecision(3)} ×`, met: ratio >= 10 };
    },
  },
  {
    name: 'Temporal ≤ $0.05 per ticker-month (first tier)',
    judge: (f) => {
      const usd = number(f('temporalCost', 'usdPerTickerMonth'));
      return usd === undefined ? undefined : { shown: `$${usd.toFixed(4)}`, met: usd <= 0.05 };
    },
  },
  {
    name: 'cold start at 8,000 tickers ≤ 60 s',
    judge: (f) => {
      const seconds = number(f('coldStart', 'seconds'));
      return seconds === undefined ? undefined : { shown: `${seconds.toFixed(1)} s`, met: seconds <= 60 };
    },
  },
  {
    name: 'cold start at 8,000 tickers with 1,000 stored bars each ≤ 60 s (warm-up rate × 8,000)',
    judge: (f) => {
      const seconds = number(f('warmUp', 'secondsFor8000'));
      return seconds === undefined ? undefined : { shown: `≈ ${seconds.toFixed(0)} s`, met: seconds <= 60 };
    },
  },
  {
    name: 'worker peak RSS at 8,000 tickers ≤ 1 GiB',
    judge: (f) => {
      const mib = number(f('worker', 'peakRssMiB'));
      return mib === undefined ? undefined : { shown: `${mib.toFixed(0)} MiB`, met: mib <= 1024 };
    },
  },
];

/** One row per target: [target, "figure — met|missed"], or "not measured in this run". */
export function targetRows(results: RunFigures): Array<[string, string]> {
  const figures = (section: string, key: string) => {
    const value = (results[section] as Record<string, unknown> | undefined)?.[key];
    return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
  };
  return TARGETS.map((target) => {
    const judged = target.judge(figures);
    return [
      target.name,
      judged === undefined ? 'not measured in this run' : `${judged.shown} — ${judged.met ? 'met' : 'missed'}`,
    ];
  });
}
