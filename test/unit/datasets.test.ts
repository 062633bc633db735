import { splitStocksTable } from '../../producer/sources/datasets';

test('a multi-ticker stocks table splits into split-adjusted series, one per ticker, in time order', () => {
  const table = [
    'Ticker,Date,Open,High,Low,Close,Volume,Adj Close',
    'IBM,2000-03-02,100,110,90,100,1000,50',
    'IBM,2000-03-01,100,100,100,100,500,50',
    'MSFT,2000-03-01,10,12,9,11,7,11',
    'FB,2012-05-18,42,45,38,38.23,573576400,38.23',
  ].join('\n');
  const series = splitStocksTable(table, 'test', ['IBM', 'MSFT']);
  expect(series.map((s) => s.ticker)).toEqual(['IBM', 'MSFT']);
  expect(series[0]!.bars).toEqual([
    { t: Date.parse('2000-03-01'), o: 50, h: 50, l: 50, c: 50, v: 500 },
    { t: Date.parse('2000-03-02'), o: 50, h: 55, l: 45, c: 50, v: 1000 },
  ]);
  expect(() => splitStocksTable('Ticker,Date,Open\nIBM,2000-03-01,1', 'broken')).toThrow(
    /broken IBM: missing column\(s\) High, Low, Close, Volume/,
  );
});
