import { barEvent, parseMarketEvent } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { fuzzRecords } from '../support/fuzz-records';

// The drills count on every fuzzed record being refused; check the generator itself.
test('every fuzzed record is invalid, by its payload or by a partition key other than its ticker', () => {
  const market = new SyntheticMarket({
    tickers: 3,
    seed: 5,
    startTime: Date.parse('2024-05-01T14:30:00Z'),
    stepMs: 60_000,
  });
  const valid = Array.from({ length: 20 }, () => market.next())
    .flat()
    .map(({ ticker, bar }) => barEvent(ticker, '1m', bar));
  const records = fuzzRecords(valid, 3000, 99);
  const accepted = records.filter((r) => {
    const parsed = parseMarketEvent(r.data);
    return parsed.ok && parsed.event.ticker === r.partitionKey;
  });
  expect(accepted).toEqual([]);
  expect(new Set(records.map((r) => r.mutation)).size).toBe(16);
  expect(records.every((r) => r.data.length > 0 && r.partitionKey.length > 0 && r.partitionKey.length <= 256)).toBe(
    true,
  );
});
