import type { NextCloseForecast } from '../domain/baseline-forecast';

/** Prints `data` as JSON when asked, else the human rendering. */
export function emit(json: boolean | undefined, data: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

export const iso = (t: number | null | undefined): string =>
  t === null || t === undefined ? '-' : new Date(t).toISOString();

export function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '(none)';
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((h) => String(r[h] ?? '')))),
  ].join('\n');
}

export const fixed = (n: number | null | undefined, digits = 4): string =>
  n === null || n === undefined ? '-' : n.toFixed(digits);

/** A bar's next-close forecast as table columns: the close, who forecast it, the range and whose it is. */
export function forecastColumns(forecast: NextCloseForecast | null): Record<string, string> {
  if (!forecast) return { 'next close': '-', by: '-', range: '-' };
  const whose = forecast.rangeBy === forecast.by ? '' : ` (${forecast.rangeBy})`;
  return {
    'next close': fixed(forecast.median, 2),
    by: forecast.by,
    range: `${fixed(forecast.low, 2)}–${fixed(forecast.high, 2)}${whose}`,
  };
}
