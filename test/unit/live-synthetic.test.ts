import { liveSyntheticSource } from '../../producer/sources/live-synthetic';
import type { SourceTick } from '../../producer/sources/source';

describe('liveSyntheticSource', () => {
  it('sends the history at once, ending with the last closed bar, then waits for the forming bar to close', async () => {
    const stop = new AbortController();
    const source = liveSyntheticSource({ tickers: 3, seed: 7, interval: '1m', history: 5, signal: stop.signal });
    const ticks = (source.ticks() as AsyncIterable<SourceTick>)[Symbol.asyncIterator]();
    const before = Date.now();
    const history: SourceTick[] = [];
    for (let i = 0; i < 5; i++) history.push((await ticks.next()).value as SourceTick);

    const lastClosedAt = (now: number) => Math.floor(now / 60_000) * 60_000 - 60_000;
    const times = history.map((tick) => tick.events[0]!.bar.t);
    // Either side of a minute boundary, should the clock cross one while the test runs.
    expect([lastClosedAt(before), lastClosedAt(Date.now())]).toContain(times[4]);
    expect(times).toEqual([4, 3, 2, 1, 0].map((back) => times[4]! - back * 60_000));
    expect(history.every((tick) => tick.atMs === 0 && tick.events.length === 3)).toBe(true);
    expect(new Set(history[0]!.events.map((e) => e.ticker))).toEqual(new Set(['SYN0000', 'SYN0001', 'SYN0002']));

    // The forming bar closes up to a minute from now: aborting ends the stream without it.
    const next = ticks.next();
    stop.abort();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });
});
