import { hintedBlocks, loadSeriesState, storedWarmup } from '../../activities/series-state';
import { IndicatorSet } from '../../domain/indicators';
import {
  BLOCK_BARS,
  blocksToRead,
  completeBlocks,
  newChain,
  positionFrom,
  positionOf,
  positionText,
  type ChainPosition,
  contiguousBlocks,
  packInputs,
  unpackInputs,
  type WarmupBlock,
  type WarmupInput,
} from '../../domain/warmup-blocks';
import type { BarsStore } from '../../store/bars-store';

const input = (i: number): WarmupInput => ({
  t: i * 60_000,
  o: 100 + i,
  h: 101 + i,
  l: 99 + i,
  c: 100.5 + i / 3,
  v: 1000 + i,
  obv: i === 0 ? null : i * 7,
});
const series = (count: number) => Array.from({ length: count }, (_, i) => input(i));

/** TICKFLOW_WARMUP_BARS' default. */
const WARMUP = 600;
const KEEP = blocksToRead(WARMUP);

/** The chain of an uninterrupted run over `inputs`, and the blocks it wrote, oldest first. */
function run(inputs: readonly WarmupInput[], chain = newChain(null)) {
  return { chain, blocks: completeBlocks(chain, inputs, KEEP) };
}
const blocksOver = (inputs: readonly WarmupInput[]) => run(inputs).blocks;

/** The stream record each stored bar came from. */
const seqOf = (input: WarmupInput) => `seq-${input.t / 60_000}`;

/** A bars table in memory: the stored bars and blocks, answering as BarsStore does, counting requests. */
function storage(stored: readonly WarmupInput[], blocks: readonly WarmupBlock[]) {
  const reads = { barQueries: 0, blockQueries: 0, blockGets: 0 };
  const store = {
    async newestBlocks(_ticker: string, _interval: string, limit: number) {
      reads.blockQueries++;
      return [...blocks].sort((a, b) => b.t - a.t).slice(0, limit);
    },
    async blocksAt(wanted: ReadonlyArray<{ blocks: readonly number[] }>) {
      reads.blockGets++;
      const keys = new Set(wanted.flatMap((w) => w.blocks));
      const found = [...blocks].filter((b) => keys.has(b.t)).sort((a, b) => b.t - a.t);
      return new Map(found.length > 0 ? [['T#1m', found]] : []);
    },
    async inputsBefore(_ticker: string, _interval: string, before: number, limit: number, after?: number) {
      reads.barQueries++;
      return stored
        .filter((b) => b.t < before && (after === undefined || b.t > after))
        .slice(-limit)
        .map((b) => ({ ...b, seq: seqOf(b) }));
    },
  };
  return { reads, store };
}

const SERIES = { ticker: 'T', interval: '1m' };

/** A cold load's warm-up with no chain position: queries. */
async function load(stored: readonly WarmupInput[], blocks: readonly WarmupBlock[]) {
  const { store, reads } = storage(stored, blocks);
  return { ...(await storedWarmup(store, SERIES, Number.MAX_SAFE_INTEGER, WARMUP)), reads };
}

/** A cold load's warm-up from a chain position (and the newest bar's record, when the progress item names it). */
async function loadAt(
  stored: readonly WarmupInput[],
  blocks: readonly WarmupBlock[],
  position: ChainPosition,
  lastSeq?: string,
) {
  const { store, reads } = storage(stored, blocks);
  const until = stored.at(-1)!.t + 1;
  return { ...(await storedWarmup(store, SERIES, until, WARMUP, { position, lastSeq })), reads };
}

// What every way of loading must give: the newest WARMUP stored bars, oldest first.
const expected = (stored: readonly WarmupInput[]) => stored.slice(-WARMUP);

describe('warm-up blocks', () => {
  it('packs inputs into bytes and back exactly, a null OBV included', () => {
    const inputs = [...series(3), { ...input(3), c: 0.1 + 0.2, v: 2 ** 53 - 1 }];
    expect(unpackInputs(packInputs(inputs))).toEqual(inputs);
    // Bytes handed back at an odd offset (as a client may) decode the same.
    const bytes = packInputs(inputs);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(unpackInputs(shifted.subarray(1))).toEqual(inputs);
    // As stored (base64): a Buffer from Node's pool, a view into a larger buffer.
    const stored = Buffer.from(Buffer.from(bytes).toString('base64'), 'base64');
    expect(unpackInputs(stored)).toEqual(inputs);
    expect(() => unpackInputs(new Uint8Array(10))).toThrow(/not whole inputs/);
  });

  it('completes a block every BLOCK_BARS bars, each chained to the one before', () => {
    const chain = newChain(null);
    expect(completeBlocks(chain, series(BLOCK_BARS - 1), 2)).toEqual([]);
    const [first, ...rest] = completeBlocks(chain, [input(BLOCK_BARS - 1), input(BLOCK_BARS)], 2);
    expect(rest).toEqual([]);
    expect(first).toEqual({ t: input(BLOCK_BARS - 1).t, after: null, inputs: series(BLOCK_BARS) });
    expect(chain).toEqual({ pending: [input(BLOCK_BARS)], after: first!.t, blocks: [first!.t] });
    const more = completeBlocks(chain, series(4 * BLOCK_BARS).slice(BLOCK_BARS + 1), 2);
    expect(more.map((b) => b.after)).toEqual([first!.t, more[0]!.t, more[1]!.t]);
    // It keeps the keys of its newest blocks only, newest first.
    expect(chain.blocks).toEqual([more[2]!.t, more[1]!.t]);
  });

  it('keeps a chain position in the progress item as one string, and reads one stored as a map before', () => {
    const position = positionOf(run(series(1234)).chain);
    expect(typeof positionText(position)).toBe('string');
    expect(positionFrom(positionText(position))).toEqual(position);
    expect(positionFrom(position)).toEqual(position);
    expect(positionFrom(positionText({ after: null, blocks: [], pending: 3 }))).toEqual({
      after: null,
      blocks: [],
      pending: 3,
    });
    // Anything else is no position: the load queries instead.
    for (const bad of [
      undefined,
      '',
      '{',
      'null',
      '{"after":1,"blocks":["x"],"pending":0}',
      { after: 1, blocks: [], pending: -1 },
    ])
      expect(positionFrom(bad)).toBeUndefined();
  });

  it('follows blocks only while each ends at the bar before the next begins', () => {
    const blocks = blocksOver(series(4 * BLOCK_BARS)).reverse();
    expect(contiguousBlocks(blocks)).toEqual(blocks);
    expect(contiguousBlocks([blocks[0]!, blocks[2]!, blocks[3]!])).toEqual([blocks[0]]);
  });
});

describe('a cold start’s warm-up inputs', () => {
  it('reads blocks and the few bars after them instead of every bar, and goes on with the same chain', async () => {
    const stored = series(1234);
    const blocks = blocksOver(stored);
    const { inputs, chain, lastSeq, reads } = await load(stored, blocks);
    expect(inputs).toEqual(expected(stored));
    expect(lastSeq).toBe(seqOf(stored.at(-1)!));
    // The recent rows, a query for the blocks, one for the bars after the newest (fewer than a block's worth).
    expect(reads).toEqual({ barQueries: 2, blockQueries: 1, blockGets: 0 });
    expect(chain).toEqual({
      pending: stored.slice(blocks.length * BLOCK_BARS),
      after: blocks.at(-1)!.t,
      blocks: blocks
        .map((b) => b.t)
        .toReversed()
        .slice(0, KEEP),
    });
    // The chain goes on exactly as an uninterrupted run's: its next block is the same.
    const next = [...Array(BLOCK_BARS).keys()].map((i) => input(1234 + i));
    expect(completeBlocks(chain, next, KEEP)).toEqual(blocksOver([...stored, ...next]).slice(blocks.length));
  });

  it('trusts no block past the newest stored bar (its write was cut short)', async () => {
    const stored = series(1234);
    const blocks = blocksOver(series(1250));
    const { inputs, chain } = await load(stored, blocks);
    expect(inputs).toEqual(expected(stored));
    expect(chain.after).toBe(blocks.at(-2)!.t);
  });

  it('fills from stored bars where the chain breaks (blocks dropped by a replay, then written again after it)', async () => {
    const stored = series(1234);
    const all = blocksOver(stored);
    const replayedFrom = 900;
    const before = all.filter((b) => b.t < input(replayedFrom).t);
    const after = run(stored.slice(1101), newChain(input(1100).t)).blocks;
    const { inputs, chain } = await load(stored, [...before, ...after]);
    expect(inputs).toEqual(expected(stored));
    expect(chain.after).toBe(after.at(-1)!.t);
  });

  it('starts a new chain after the newest bar when there are no blocks (a series stored before them)', async () => {
    const stored = series(1234);
    const { inputs, chain } = await load(stored, []);
    expect(inputs).toEqual(expected(stored));
    expect(chain).toEqual(newChain(stored.at(-1)!.t));
  });

  it('starts the chain at the first bar when the whole series is in hand', async () => {
    for (const count of [5, 300]) {
      const stored = series(count);
      const { inputs, chain } = await load(stored, []);
      expect(inputs).toEqual(stored);
      expect(chain).toEqual({ pending: stored, after: null, blocks: [] });
    }
  });

  it('finds nothing in a series with nothing stored', async () => {
    expect(await load([], [])).toMatchObject({ inputs: [], chain: newChain(null), lastSeq: null });
  });
});

describe('a cold start’s warm-up from the chain position in the progress item', () => {
  it('gets the named blocks by key, reads only the bars after them (and the one before), and goes on with the same chain', async () => {
    // No bar after the newest block, 10 after it (fewer than the features' history), 34 after it.
    for (const count of [1250, 1260, 1284]) {
      const stored = series(count);
      const { chain: uninterrupted, blocks } = run(stored);
      const { inputs, chain, lastSeq, reads } = await loadAt(stored, blocks, positionOf(uninterrupted));
      expect(inputs).toEqual(expected(stored));
      expect(lastSeq).toBe(seqOf(stored.at(-1)!));
      expect(reads).toEqual({ barQueries: 1, blockQueries: 0, blockGets: 1 });
      expect(chain.pending).toEqual(uninterrupted.pending);
      expect(chain.after).toBe(uninterrupted.after);
      // Only the blocks a warm-up reads were asked for: the chain knows those, and finds the rest again as it goes.
      expect(chain.blocks).toEqual(uninterrupted.blocks.slice(0, blocksToRead(WARMUP, uninterrupted.pending.length)));
      const next = [...Array(BLOCK_BARS).keys()].map((i) => input(count + i));
      expect(completeBlocks(chain, next, KEEP)).toEqual(blocksOver([...stored, ...next]).slice(blocks.length));
    }
  });

  it('reads no bar at all when the newest block ends at the newest bar, whose record the progress item names', async () => {
    const stored = series(1250);
    const { chain: uninterrupted, blocks } = run(stored);
    const { inputs, chain, lastSeq, reads } = await loadAt(
      stored,
      blocks,
      positionOf(uninterrupted),
      seqOf(stored.at(-1)!),
    );
    expect(inputs).toEqual(expected(stored));
    expect(chain).toEqual({ ...uninterrupted, blocks: uninterrupted.blocks.slice(0, blocksToRead(WARMUP)) });
    expect(lastSeq).toBe(seqOf(stored.at(-1)!));
    expect(reads).toEqual({ barQueries: 0, blockQueries: 0, blockGets: 1 });
  });

  it('reads nothing more for a series whose whole history is in its pending bars', async () => {
    const stored = series(30);
    const { chain: uninterrupted } = run(stored);
    const { inputs, chain, reads } = await loadAt(stored, [], positionOf(uninterrupted));
    expect(inputs).toEqual(stored);
    expect(chain).toEqual({ pending: stored, after: null, blocks: [] });
    expect(reads).toEqual({ barQueries: 1, blockQueries: 0, blockGets: 0 });
  });

  it('reads the bars before a chain that started again (after a replay) from storage', async () => {
    const stored = series(1234);
    const { chain: restarted, blocks } = run(stored.slice(1101), newChain(input(1100).t));
    const { inputs, chain, reads } = await loadAt(stored, blocks, positionOf(restarted));
    expect(inputs).toEqual(expected(stored));
    expect(chain).toEqual(restarted);
    expect(reads).toEqual({ barQueries: 2, blockQueries: 0, blockGets: 1 });
  });

  it('queries instead where the position no longer holds: a named block dropped, or bars it does not count', async () => {
    for (const count of [1234, 1250]) {
      const stored = series(count);
      const { chain: uninterrupted, blocks } = run(stored);
      const position = positionOf(uninterrupted);
      const lastSeq = seqOf(stored.at(-1)!);
      const dropped = await loadAt(stored, blocks.slice(0, -1), position, lastSeq);
      expect(dropped.inputs).toEqual(expected(stored));
      expect(dropped.reads.blockQueries).toBe(1);
      const miscounted = await loadAt(stored, blocks, { ...position, pending: position.pending + 1 }, lastSeq);
      expect(miscounted.inputs).toEqual(expected(stored));
      expect(miscounted.reads.blockQueries).toBe(1);
    }
  });
});

describe('the blocks of many cold loads, fetched by key', () => {
  const progressOf = (ticker: string, blocks: number) => ({
    ticker,
    interval: '1m',
    lastBarTime: 0,
    lastArrivalAt: 0,
    lastStoredAt: 0,
    chain: { after: blocks, blocks: [...Array(blocks).keys()].map((i) => blocks - i), pending: 0 },
  });

  it('asks for at most 100 keys a request, one request after another in the order of the loads', async () => {
    const asked: string[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const keysAsked: number[] = [];
    const bars = {
      async blocksAt(wanted: ReadonlyArray<{ ticker: string; interval: string; blocks: readonly number[] }>) {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        asked.push(wanted.map((w) => w.ticker));
        keysAsked.push(wanted.flatMap((w) => w.blocks).length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return new Map(wanted.map((w) => [`${w.ticker}#1m`, w.blocks.map((t) => ({ t, after: t - 1, inputs: [] }))]));
      },
    } as unknown as BarsStore;
    const tickers = [...Array(20).keys()].map((i) => `T${i}`);
    // 12 blocks each (what a 600-bar warm-up reads): 8 series a request; one without blocks asks for none.
    const found = hintedBlocks({ bars, config: { ingest: { warmupBars: 600 } } } as never, [
      ...tickers.map((t) => progressOf(t, 12)),
      progressOf('NONE', 0),
    ]);
    expect((await found.get('T19#1m'))!.map((b) => b.t)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(asked).toEqual([tickers.slice(0, 8), tickers.slice(8, 16), tickers.slice(16)]);
    // Checked here, not in the fake: a failed expectation there would only reject a promise.
    expect(mostInFlight).toBe(1);
    expect(keysAsked).toEqual([96, 96, 48]);
    expect(found.has('NONE#1m')).toBe(false);
  });

  it('fails only the loads that await a request that failed', async () => {
    let calls = 0;
    const bars = {
      async blocksAt(wanted: ReadonlyArray<{ ticker: string; interval: string; blocks: readonly number[] }>) {
        if (calls++ === 0) throw new Error('throttled');
        return new Map(wanted.map((w) => [`${w.ticker}#1m`, []]));
      },
    } as unknown as BarsStore;
    const found = hintedBlocks({ bars, config: { ingest: { warmupBars: 600 } } } as never, [
      ...[...Array(9).keys()].map((i) => progressOf(`T${i}`, 12)),
    ]);
    await expect(found.get('T8#1m')).resolves.toEqual([]);
    await expect(found.get('T0#1m')).rejects.toThrow('throttled');
  });
});

describe('a cold load after a read that did not finish', () => {
  const stored = series(300).filter((b) => b.t < input(260).t || b.t >= input(270).t); // 260–269 never landed
  const { store, reads } = storage(stored, blocksOver(stored.slice(0, 250)));
  const bars = store as unknown as BarsStore;
  const deps = { bars, config: { ingest: { warmupBars: 600 } } } as unknown as Parameters<typeof loadSeriesState>[0];
  const progress = (lastBarTime: number) => ({
    ticker: 'T',
    interval: '1m',
    lastBarTime,
    lastArrivalAt: 0,
    lastStoredAt: 0,
  });

  it('starts where the progress item says the last finished read ended, so that read’s bars are redone', async () => {
    const state = await loadSeriesState(deps, 'T', '1m', progress(input(249).t));
    expect(state.indicators.lastBarTime).toBe(input(249).t);
    expect(state.recent.at(-1)!.t).toBe(input(249).t);
    expect(state.chain).toEqual({
      pending: [],
      after: input(249).t,
      blocks: [249, 199, 149, 99, 49].map((i) => input(i).t),
    });
  });

  it('takes the chain position the progress item holds as of that read, and its blocks by key', async () => {
    const { chain } = run(stored.slice(0, 250));
    const state = await loadSeriesState(deps, 'T', '1m', { ...progress(input(249).t), chain: positionOf(chain) });
    expect(state.indicators.lastBarTime).toBe(input(249).t);
    expect(state.chain).toEqual(chain);
    const reference = IndicatorSet.warmUp(stored.slice(0, 250));
    expect(state.indicators.add(input(250))).toEqual(reference.add(input(250)));
  });

  it('gives the same state from the blocks alone as from queries: indicators, features’ history, last record', async () => {
    const { chain } = run(stored.slice(0, 250));
    const lastSeq = seqOf(input(249));
    const before = { ...reads };
    const positioned = await loadSeriesState(deps, 'T', '1m', {
      ...progress(input(249).t),
      chain: positionOf(chain),
      lastSeq,
    });
    // The blocks alone: one get by key, and no query of any kind.
    expect(reads).toEqual({ ...before, blockGets: before.blockGets + 1 });
    const queried = await loadSeriesState(deps, 'T', '1m', progress(input(249).t));
    const history = (s: typeof queried) => s.recent.map(({ t, c, v }) => ({ t, c, v }));
    expect(history(positioned)).toEqual(history(queried));
    expect(history(positioned).at(-1)).toEqual({ t: input(249).t, c: input(249).c, v: input(249).v });
    expect(positioned.lastSeq).toBe(lastSeq);
    expect(queried.lastSeq).toBe(lastSeq);
    expect(positioned.indicators.add(input(250))).toEqual(queried.indicators.add(input(250)));
  });

  it('starts at the newest stored bar when the progress item has it', async () => {
    const state = await loadSeriesState(deps, 'T', '1m', progress(input(299).t));
    expect(state.indicators.lastBarTime).toBe(input(299).t);
  });
});
