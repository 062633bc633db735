import { appendFileSync } from 'node:fs';

/** How often buffered lines reach the file: a benchmark reads it only after its bars are all stored. */
const FLUSH_EVERY_MS = 250;

/**
 * Benchmarks' exact per-bar record of when each forecast landed in storage: lines
 * `ticker,interval,t,storedAt`, buffered so the data plane pays one append per quarter second,
 * not one per series.
 */
export function forecastJournal(
  path: string,
): (ticker: string, interval: string, times: readonly number[], storedAt: number) => void {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(path, lines.join(''));
    lines = [];
  };
  setInterval(flush, FLUSH_EVERY_MS).unref();
  process.once('exit', flush);
  return (ticker, interval, times, storedAt) => {
    for (const t of times) lines.push(`${ticker},${interval},${t},${storedAt}\n`);
  };
}

/** The journal's lines: when the forecast at each bar was stored, keyed `ticker#interval#t`. */
export function parseForecastJournal(text: string): Map<string, number> {
  const storedAt = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [ticker, interval, t, at] = line.split(',');
    if (!ticker || !interval || !t || !at) continue;
    // A bar forecast twice (a retried read) counts from the first time it was stored.
    const key = `${ticker}#${interval}#${t}`;
    storedAt.set(key, Math.min(storedAt.get(key) ?? Infinity, Number(at)));
  }
  return storedAt;
}
