import {
  alertOf,
  alertRuleInputSchema,
  findCrossings,
  lookbackBars,
  pastCooldown,
  type AlertPoint,
  type AlertRule,
} from '../../domain/alert-rules';

const rule = (over: Partial<AlertRule>): AlertRule => ({
  id: 'r1',
  ticker: 'AAPL',
  interval: '1d',
  kind: 'price-above',
  level: 100,
  cooldownMinutes: 60,
  createdAt: 0,
  ...over,
});
const points = (closes: number[], extra: (i: number) => Partial<AlertPoint> = () => ({})): AlertPoint[] =>
  closes.map((close, i) => ({ t: i * 60_000, close, rsi14: null, ...extra(i) }));
const crossingIndexes = (r: AlertRule, p: AlertPoint[], firstNew = 0) =>
  findCrossings(r, p, firstNew).map((c) => c.t / 60_000);

describe('alert rule schema', () => {
  test('fills defaults', () => {
    expect(alertRuleInputSchema.parse({ ticker: 'AAPL', kind: 'price-above', level: 190 })).toEqual({
      ticker: 'AAPL',
      interval: '1d',
      kind: 'price-above',
      level: 190,
      cooldownMinutes: 60,
    });
  });

  test.each([
    [{ ticker: 'AAPL', kind: 'move-pct', level: 2 }, /move-pct needs windowBars/],
    [{ ticker: 'AAPL', kind: 'price-above', level: 2, windowBars: 3 }, /windowBars only applies to move-pct/],
    [{ ticker: 'AAPL', kind: 'rsi-above', level: 130 }, /RSI level lies between 0 and 100/],
    [{ ticker: 'AAPL', kind: 'price-below', level: -1 }, /price-below needs a positive level/],
    [{ ticker: 'aapl', kind: 'price-below', level: 1 }, /ticker must be/],
    [{ ticker: 'AAPL', kind: 'volume-spike', level: 1 }, /kind/],
    [{ ticker: 'AAPL', kind: 'price-above', level: Number.NaN }, /level/],
  ])('rejects %j', (input, message) => {
    const result = alertRuleInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});

describe('findCrossings', () => {
  test('price-above fires on each crossing, not while the price rests above', () => {
    expect(crossingIndexes(rule({}), points([99, 101, 102, 103, 98, 100, 100.5]))).toEqual([1, 5]);
  });

  test('price-below mirrors it', () => {
    expect(crossingIndexes(rule({ kind: 'price-below', level: 100 }), points([101, 99, 98, 101, 100]))).toEqual([1, 4]);
  });

  test('history before the new points decides, but never fires itself', () => {
    expect(crossingIndexes(rule({}), points([99, 101, 99, 101]), 2)).toEqual([3]);
    expect(crossingIndexes(rule({}), points([101, 102]), 0)).toEqual([]);
  });

  test('RSI rules skip points without a value', () => {
    const rsi = [null, 65, 71, 72, 69, 70];
    expect(
      crossingIndexes(
        rule({ kind: 'rsi-above', level: 70 }),
        points([1, 1, 1, 1, 1, 1], (i) => ({ rsi14: rsi[i] })),
      ),
    ).toEqual([2, 5]);
  });

  test('move-pct measures over its window, both directions', () => {
    // 2-bar moves: +2%, +5% (fires), -1%, -3.8%, -5.05% (fires)
    const r = rule({ kind: 'move-pct', level: 5, windowBars: 2 });
    expect(crossingIndexes(r, points([100, 100, 102, 105, 101, 101, 95.9]))).toEqual([3, 6]);
    expect(lookbackBars([r, rule({})])).toBe(2);
  });

  test('predicted-move uses the predicted return in percent', () => {
    const returns = [0.001, 0.004, 0.012, -0.02, 0.001, -0.011];
    expect(
      crossingIndexes(
        rule({ kind: 'predicted-move', level: 1 }),
        points([1, 1, 1, 1, 1, 1], (i) => ({ predictedReturn: returns[i] })),
      ),
    ).toEqual([2, 5]);
  });
});

test('cooldown counts bar time from the last alert', () => {
  const r = rule({ cooldownMinutes: 10 });
  expect(pastCooldown(r, 1_000_000, null)).toBe(true);
  expect(pastCooldown(r, 600_000 + 5, 5)).toBe(true);
  expect(pastCooldown(r, 600_000 + 4, 5)).toBe(false);
});

test('an alert names the ticker, the rule and the crossing', () => {
  const alert = alertOf(rule({ kind: 'move-pct', level: 3, windowBars: 5 }), {
    t: Date.parse('2024-01-02T00:00:00Z'),
    value: -3.456,
    close: 97.1,
  });
  expect(alert).toMatchObject({ ruleId: 'r1', ticker: 'AAPL', kind: 'move-pct', level: 3, value: -3.456 });
  expect(alert.message).toBe(
    'AAPL 1d: moved by at least (%) 3 over 5 bars — value -3.46, close 97.1 at 2024-01-02T00:00:00.000Z',
  );
});
