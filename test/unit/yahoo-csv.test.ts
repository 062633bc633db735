import { readFileSync } from 'node:fs';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { packagedDataset } from '../../producer/sources/replay';

describe('parseYahooCsv', () => {
  test('reads the shipped AAPL history: 1,260 daily bars, rescaled by Adj Close', () => {
    const bars = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));
    expect(bars).toHaveLength(1260);
    expect(new Date(bars[0]!.t).toISOString()).toBe('2013-05-13T00:00:00.000Z');
    expect(bars[1259]!.c).toBeCloseTo(188.589996, 6);
    // first row: Close 64.962860, Adj Close 50.961628 → every price scaled by the same factor
    expect(bars[0]!.c).toBeCloseTo(50.961628, 6);
    expect(bars[0]!.o / 64.501427).toBeCloseTo(50.961628 / 64.96286, 12);
  });

  test('without Adj Close prices are taken as they are', () => {
    expect(parseYahooCsv('Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,100\n')).toEqual([
      { t: Date.parse('2020-01-02T00:00:00Z'), o: 1, h: 2, l: 0.5, c: 1.5, v: 100 },
    ]);
  });

  test('errors name the file, line and field', () => {
    expect(() => parseYahooCsv('Date,Open,High,Low,Close,Volume\n2020-01-02,1,x,0.5,1.5,100', 'my.csv')).toThrow(
      'my.csv:2: High is not a number ("x")',
    );
    expect(() => parseYahooCsv('Date,Open,Close\n', 'my.csv')).toThrow(/missing column\(s\) High, Low, Volume/);
    expect(() => parseYahooCsv('Date,Open,High,Low,Close,Volume\n02/01/2020,1,2,0.5,1.5,100', 'my.csv')).toThrow(
      /my.csv:2: bad Date/,
    );
  });
});
