import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forecastJournal, parseForecastJournal } from '../../observability/forecast-journal';

describe('the forecast journal (benchmarks: arrival → forecast stored, per bar)', () => {
  it('appends a line per forecast, buffered, and reads back when each bar’s forecast was first stored', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'journal-')), 'forecasts.csv');
    const note = forecastJournal(file);
    note('AAPL', '1m', [60_000, 120_000], 1_000);
    note('MSFT', '1m', [60_000], 1_500);
    // A retried read stores the same forecast again later: the first time counts.
    note('AAPL', '1m', [120_000], 2_000);
    await sleep(600);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toEqual([
      'AAPL,1m,60000,1000',
      'AAPL,1m,120000,1000',
      'MSFT,1m,60000,1500',
      'AAPL,1m,120000,2000',
    ]);
    expect(parseForecastJournal(text)).toEqual(
      new Map([
        ['AAPL#1m#60000', 1_000],
        ['AAPL#1m#120000', 1_000],
        ['MSFT#1m#60000', 1_500],
      ]),
    );
  });

  it('skips blank and partial lines (a worker killed mid-append)', () => {
    expect(parseForecastJournal('AAPL,1m,60000,1000\n\nMSFT,1m,6')).toEqual(new Map([['AAPL#1m#60000', 1_000]]));
  });
});
