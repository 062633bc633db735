import { loadSeriesState, warmUpInputs } from '../../activities/series-state';
import {
  BLOCK_BARS,
  completeBlocks,
  contiguousBlocks,
  packInputs,
  unpackInputs,
  type WarmupBlock,
  type WarmupInput,
} from '../../domain/warmup-blocks';
import type { BarsStore, StoredBar } from '../../store/bars-store';

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

/** The blocks an uninterrupted run writes over `inputs`, oldest first. */
function blocksOver(inputs: readonly WarmupInput[]): WarmupBlock[] {
  return completeBlocks({ pending: [], after: null }, inputs);
}

/** A bars table in memory: the stored bars and blocks, answering as BarsStore does. */
function storage(stored: readonly WarmupInput[], blocks: readonly WarmupBlock[]) {
  const reads = { bars: 0, blocks: 0 };
  return {
    reads,
    store: {
      async newestBlocks(_ticker: string, _interval: string, limit: number) {
        reads.blocks += Math.min(limit, blocks.length);
        return [...blocks].sort((a, b) => b.t - a.t).slice(0, limit);
      },
      async replayInputsBefore(_ticker: string, _interval: string, before: number, limit: number, after?: number) {
        const found = stored.filter((b) => b.t < before && (after === undefined || b.t > after)).slice(-limit);
        reads.bars += found.length;
        return found;
      },
    },
  };
}

const NEED = 580;
const RECENT = 20;

async function load(stored: readonly WarmupInput[], blocks: readonly WarmupBlock[]) {
  const recent = stored.slice(-RECENT) as StoredBar[];
  const need = recent.length < RECENT ? 0 : NEED;
  const { store, reads } = storage(stored, blocks);
  return { ...(await warmUpInputs(store, 'T', '1m', recent, need)), reads, recent };
}

describe('warm-up blocks', () => {
  it('packs inputs into bytes and back exactly, a null OBV included', () => {
    const inputs = [...series(3), { ...input(3), c: 0.1 + 0.2, v: 2 ** 53 - 1 }];
    expect(unpackInputs(packInputs(inputs))).toEqual(inputs);
    // Bytes handed back at an odd offset (as a client may) decode the same.
    const bytes = packInputs(inputs);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(unpackInputs(shifted.subarray(1))).toEqual(inputs);
    expect(() => unpackInputs(new Uint8Array(10))).toThrow(/not whole inputs/);
  });

  it('completes a block every BLOCK_BARS bars, each chained to the one before', () => {
    const chain = { pending: [], after: null };
    expect(completeBlocks(chain, series(BLOCK_BARS - 1))).toEqual([]);
    const [first, ...rest] = completeBlocks(chain, [input(BLOCK_BARS - 1), input(BLOCK_BARS)]);
    expect(rest).toEqual([]);
    expect(first).toEqual({ t: input(BLOCK_BARS - 1).t, after: null, inputs: series(BLOCK_BARS) });
    expect(chain).toEqual({ pending: [input(BLOCK_BARS)], after: first!.t });
    const more = completeBlocks(chain, series(3 * BLOCK_BARS).slice(BLOCK_BARS + 1));
    expect(more.map((b) => b.after)).toEqual([first!.t, more[0]!.t]);
  });

  it('follows blocks only while each ends at the bar before the next begins', () => {
    const blocks = blocksOver(series(4 * BLOCK_BARS)).reverse();
    expect(contiguousBlocks(blocks)).toEqual(blocks);
    expect(contiguousBlocks([blocks[0]!, blocks[2]!, blocks[3]!])).toEqual([blocks[0]]);
  });
});

describe('a cold start’s warm-up inputs', () => {
  // What every way of loading must give: the newest NEED bars before the recent rows.
  const expected = (stored: readonly WarmupInput[]) => stored.slice(0, -RECENT).slice(-NEED);

  it('reads blocks and the few bars after them instead of every bar, and goes on with the same chain', async () => {
    const stored = series(1234);
    const blocks = blocksOver(stored);
    const { older, chain, reads } = await load(stored, blocks);
    expect(older).toEqual(expected(stored));
    expect(reads.bars).toBeLessThan(BLOCK_BARS);
    expect(chain).toEqual({ pending: stored.slice(blocks.length * BLOCK_BARS), after: blocks.at(-1)!.t });
    // The chain goes on exactly as an uninterrupted run's: its next block is the same.
    const next = [...Array(BLOCK_BARS).keys()].map((i) => input(1234 + i));
    expect(completeBlocks(chain, next)).toEqual(blocksOver([...stored, ...next]).slice(blocks.length));
  });

  it('trusts no block past the newest stored bar (its write was cut short)', async () => {
    const stored = series(1234);
    const blocks = blocksOver(series(1250));
    const { older, chain } = await load(stored, blocks);
    expect(older).toEqual(expected(stored));
    expect(chain.after).toBe(blocks.at(-2)!.t);
  });

  it('fills from stored bars where the chain breaks (blocks dropped by a replay, then written again after it)', async () => {
    const stored = series(1234);
    const all = blocksOver(stored);
    const replayedFrom = 900;
    const before = all.filter((b) => b.t < input(replayedFrom).t);
    const after = completeBlocks({ pending: [], after: input(1100).t }, stored.slice(1101));
    const { older, chain } = await load(stored, [...before, ...after]);
    expect(older).toEqual(expected(stored));
    expect(chain.after).toBe(after.at(-1)!.t);
  });

  it('starts a new chain after the newest bar when there are no blocks (a series stored before them)', async () => {
    const stored = series(1234);
    const { older, chain } = await load(stored, []);
    expect(older).toEqual(expected(stored));
    expect(chain).toEqual({ pending: [], after: stored.at(-1)!.t });
  });

  it('starts the chain at the first bar when the whole series is in hand', async () => {
    for (const count of [5, 300]) {
      const stored = series(count);
      const { older, chain } = await load(stored, []);
      expect(older).toEqual(count < RECENT ? [] : stored.slice(0, -RECENT));
      expect(chain).toEqual({ pending: stored, after: null });
    }
  });
});

describe('a cold load after a read that did not finish', () => {
  const stored = series(300).filter((b) => b.t < input(260).t || b.t >= input(270).t); // 260–269 never landed
  const bars = {
    ...storage(stored, blocksOver(stored.slice(0, 250))).store,
    async lastBefore(_ticker: string, _interval: string, before: number, limit: number) {
      return stored.filter((b) => b.t < before).slice(-limit) as StoredBar[];
    },
  } as unknown as BarsStore;
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
    expect(state.chain).toEqual({ pending: [], after: input(249).t });
  });

  it('starts at the newest stored bar when the progress item has it', async () => {
    const state = await loadSeriesState(deps, 'T', '1m', progress(input(299).t));
    expect(state.indicators.lastBarTime).toBe(input(299).t);
  });
});
