/**
 * An independent reference for the stored indicators: plain array formulas over a whole
 * series at once (textbook definitions, with the seeding conventions trading-signals
 * documents), sharing no code with the streaming pipeline.
 */
export interface Ohlcv {
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

type Series = Array<number | null>;

const nulls = (n: number): Series => Array.from({ length: n }, () => null);

export function sma(values: number[], n: number): Series {
  return values.map((_, i) => (i < n - 1 ? null : values.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n));
}

/** EMA seeded with the first value; reported once n values were seen. */
export function emaRaw(values: number[], n: number): number[] {
  const k = 2 / (n + 1);
  const out: number[] = [];
  values.forEach((x, i) => out.push(i === 0 ? x : x * k + out[i - 1]! * (1 - k)));
  return out;
}

export function ema(values: number[], n: number): Series {
  return emaRaw(values, n).map((x, i) => (i < n - 1 ? null : x));
}

/** Wilder smoothing: the first value is the simple mean of the first n inputs. */
function wilder(values: number[], n: number): Series {
  const out = nulls(values.length);
  let previous: number | null = null;
  values.forEach((x, i) => {
    if (i === n - 1) previous = values.slice(0, n).reduce((a, b) => a + b, 0) / n;
    else if (previous !== null) previous = previous + (x - previous) / n;
    out[i] = previous;
  });
  return out;
}

export function rsi(closes: number[], n: number): Series {
  const changes = closes.slice(1).map((c, i) => c - closes[i]!);
  const gains = wilder(
    changes.map((d) => Math.max(d, 0)),
    n,
  );
  const losses = wilder(
    changes.map((d) => Math.max(-d, 0)),
    n,
  );
  return [
    null,
    ...changes.map((_, i) => {
      const g = gains[i];
      const l = losses[i];
      if (g === null || g === undefined || l === null || l === undefined) return null;
      return l === 0 ? 100 : 100 - 100 / (1 + g / l);
    }),
  ];
}

export function macd(
  closes: number[],
  fast: number,
  slow: number,
  signal: number,
): { macd: Series; signal: Series; histogram: Series } {
  const fastEma = emaRaw(closes, fast);
  const slowEma = emaRaw(closes, slow);
  const line = closes.map((_, i) => fastEma[i]! - slowEma[i]!).slice(slow - 1);
  const signalLine = emaRaw(line, signal);
  const pad = nulls(slow - 1);
  return {
    macd: [...pad, ...line],
    signal: [...pad, ...signalLine],
    histogram: [...pad, ...line.map((m, i) => m - signalLine[i]!)],
  };
}

export function bollinger(closes: number[], n: number, k: number): { upper: Series; middle: Series; lower: Series } {
  const middle = sma(closes, n);
  const deviation = closes.map((_, i) => {
    const m = middle[i];
    if (m === null || m === undefined) return null;
    const window = closes.slice(i - n + 1, i + 1);
    return Math.sqrt(window.reduce((a, x) => a + (x - m) ** 2, 0) / n);
  });
  return {
    upper: middle.map((m, i) => (m === null ? null : m + k * deviation[i]!)),
    middle,
    lower: middle.map((m, i) => (m === null ? null : m - k * deviation[i]!)),
  };
}

export function atr(bars: Ohlcv[], n: number): Series {
  const trueRange = bars.map((b, i) =>
    i === 0 ? b.h - b.l : Math.max(b.h - b.l, Math.abs(b.h - bars[i - 1]!.c), Math.abs(b.l - bars[i - 1]!.c)),
  );
  return wilder(trueRange, n);
}

export function obv(bars: Ohlcv[]): Series {
  let total = 0;
  return bars.map((b, i) => {
    if (i === 0) return null;
    const previous = bars[i - 1]!.c;
    total += b.c > previous ? b.v : b.c < previous ? -b.v : 0;
    return total;
  });
}

/**
 * RiskMetrics volatility in its closed form (RiskMetrics Technical Document, 1996, eq. 5.3),
 * σ²ᵢ = λ^(i−s) σ²ₛ + (1 − λ) Σⱼ₌ₛ₊₁..ᵢ λ^(i−j) rⱼ², with σ²ₛ the mean of the first s squared log
 * returns (reported from bar s on).
 */
export function riskMetricsVolatility(closes: number[], decay: number, seedReturns: number): Series {
  const squared = closes.map((c, i) => (i === 0 ? 0 : Math.log(c / closes[i - 1]!) ** 2));
  const seed = squared.slice(1, seedReturns + 1).reduce((a, b) => a + b, 0) / seedReturns;
  return closes.map((_, i) => {
    if (i < seedReturns) return null;
    let variance = decay ** (i - seedReturns) * seed;
    for (let j = seedReturns + 1; j <= i; j++) variance += (1 - decay) * decay ** (i - j) * squared[j]!;
    return Math.sqrt(variance);
  });
}

/** Every stored indicator for a whole series, in the pipeline's field names. */
export function referenceIndicators(bars: Ohlcv[]): Array<Record<string, number | null>> {
  const closes = bars.map((b) => b.c);
  const columns: Record<string, Series> = {
    sma20: sma(closes, 20),
    sma50: sma(closes, 50),
    ema20: ema(closes, 20),
    ema50: ema(closes, 50),
    rsi14: rsi(closes, 14),
    ...(({ macd: m, signal, histogram }) => ({ macd: m, macdSignal: signal, macdHistogram: histogram }))(
      macd(closes, 12, 26, 9),
    ),
    ...(({ upper, middle, lower }) => ({ bbUpper: upper, bbMiddle: middle, bbLower: lower }))(bollinger(closes, 20, 2)),
    atr14: atr(bars, 14),
    obv: obv(bars),
    volatility: riskMetricsVolatility(closes, 0.94, 20),
  };
  return bars.map((_, i) =>
    Object.fromEntries(Object.entries(columns).map(([name, series]) => [name, series[i] ?? null])),
  );
}

/** Asserts-friendly comparison: the first field whose relative error exceeds `tolerance`, if any. */
export function firstMismatch(
  actual: Record<string, unknown>,
  expected: Record<string, number | null>,
  tolerance = 1e-9,
): string | undefined {
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name] ?? null;
    if (want === null || got === null) {
      if (want !== got) return `${name}: expected ${want}, got ${String(got)}`;
      continue;
    }
    if (typeof got !== 'number') return `${name}: expected a number, got ${JSON.stringify(got)}`;
    const error = Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
    if (error > tolerance && Math.abs(got - want) > 1e-12)
      return `${name}: expected ${want}, got ${got} (relative error ${error.toExponential(2)})`;
  }
  return undefined;
}
