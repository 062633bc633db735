import { barEvent, encodeMarketEvent, parseMarketEvent, toBar } from '../../domain/market-event';

const bar = { t: Date.parse('2024-01-02T14:30:00Z'), o: 10, h: 12, l: 9, c: 11, v: 1000 };
const event = barEvent('AAPL', '1m', bar);
const reasonOf = (data: string) => {
  const result = parseMarketEvent(data);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
};

describe('market events', () => {
  test('round-trip: encode → parse → bar', () => {
    const parsed = parseMarketEvent(Buffer.from(encodeMarketEvent(event)));
    expect(parsed).toEqual({ ok: true, event });
    if (parsed.ok) expect(toBar(parsed.event)).toEqual(bar);
  });

  test.each([
    ['not JSON', '{"v":', /^malformed JSON/],
    ['an array', '[]', /not a JSON object/],
    ['unknown version', JSON.stringify({ ...event, v: 9 }), /unknown schema version 9 \(supported: 1\)/],
    ['missing version', JSON.stringify({ ...event, v: undefined }), /unknown schema version null/],
    ['missing close', JSON.stringify({ ...event, c: undefined }), /^c: c must be a number/],
    ['string NaN', JSON.stringify({ ...event, o: 'NaN' }), /^o: o must be a number/],
    ['negative price', JSON.stringify({ ...event, l: -3 }), /^l: l must be a finite positive number/],
    ['zero price', JSON.stringify({ ...event, o: 0 }), /o must be a finite positive number/],
    ['high below low', JSON.stringify({ ...event, h: 8, l: 9 }), /high 8 is below low 9/],
    ['close outside range', JSON.stringify({ ...event, c: 20 }), /open and close must lie within/],
    ['negative volume', JSON.stringify({ ...event, vol: -1 }), /vol must be a finite number ≥ 0/],
    ['bad interval', JSON.stringify({ ...event, interval: '7m' }), /^interval:/],
    ['bad ticker', JSON.stringify({ ...event, ticker: 'aapl' }), /ticker must be/],
    ['bad time', JSON.stringify({ ...event, t: '2024-13-45' }), /t must be an ISO-8601 timestamp/],
  ])('rejects %s with a reason', (_name, data, reason) => {
    expect(reasonOf(data)).toMatch(reason);
  });

  test('several problems are all named', () => {
    expect(reasonOf(JSON.stringify({ ...event, o: -1, vol: -1 }))).toMatch(/o:.*; vol:/);
  });
});
