import type { Bar } from './market-event';

const REQUIRED = ['Date', 'Open', 'High', 'Low', 'Close', 'Volume'] as const;

class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

/**
 * Parses Yahoo Finance's daily OHLCV export ("Date,Open,High,Low,Close,Adj Close,Volume").
 * The format has no quoting, so a split per line is a complete parser; a library would add
 * a dependency for nothing. When "Adj Close" is present, prices are rescaled by it so that
 * splits and dividends do not appear as price jumps.
 */
export function parseYahooCsv(text: string, source = 'csv'): Bar[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const missing = REQUIRED.filter((column) => !header.includes(column));
  if (missing.length > 0)
    throw new CsvFormatError(`${source}: missing column(s) ${missing.join(', ')} in header "${header.join(',')}"`);
  const col = (name: string) => header.indexOf(name);
  const adjusted = col('Adj Close');
  return lines.map((line, index) => {
    const cells = line.split(',');
    const number = (column: number, label: string): number => {
      const value = Number(cells[column]);
      if (cells[column] === undefined || cells[column]?.trim() === '' || !Number.isFinite(value)) {
        throw new CsvFormatError(
          `${source}:${index + 2}: ${label} is not a number (${JSON.stringify(cells[column] ?? '')})`,
        );
      }
      return value;
    };
    const date = cells[col('Date')] ?? '';
    const t = Date.parse(`${date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(t))
      throw new CsvFormatError(`${source}:${index + 2}: bad Date ${JSON.stringify(date)}`);
    const close = number(col('Close'), 'Close');
    const scale = adjusted >= 0 ? number(adjusted, 'Adj Close') / close : 1;
    return {
      t,
      o: number(col('Open'), 'Open') * scale,
      h: number(col('High'), 'High') * scale,
      l: number(col('Low'), 'Low') * scale,
      c: close * scale,
      v: number(col('Volume'), 'Volume'),
    };
  });
}
