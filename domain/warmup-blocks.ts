import type { Bar } from './market-event';

/** What an indicator warm-up replays of a stored bar: the bar, and the OBV its run reached. */
export type WarmupInput = Bar & { obv: number | null };

/** Bars per warm-up block: a cold start reads a block item where it read this many bar items. */
export const BLOCK_BARS = 50;

/**
 * The warm-up inputs of BLOCK_BARS consecutive stored bars, kept in one item beside them so a
 * cold start reads a few blocks instead of hundreds of bars. `t` is its last bar's time, `after`
 * the time of the bar just before its first (null: the series' first bar), which is the `t` of
 * the block before it when the two are contiguous.
 */
export interface WarmupBlock {
  t: number;
  after: number | null;
  inputs: WarmupInput[];
}

/** A series' bars since its newest block, and the time of the bar before them (null: none yet). */
export interface BlockChain {
  pending: WarmupInput[];
  after: number | null;
}

/** The warm-up input of a bar (or a stored row): only what a replay needs. */
export const warmupInput = ({ t, o, h, l, c, v, obv }: WarmupInput): WarmupInput => ({ t, o, h, l, c, v, obv });

/** Adds newly stored bars to the chain and returns the blocks they complete, oldest first. */
export function completeBlocks(chain: BlockChain, bars: readonly WarmupInput[]): WarmupBlock[] {
  chain.pending.push(...bars.map(warmupInput));
  const blocks: WarmupBlock[] = [];
  while (chain.pending.length >= BLOCK_BARS) {
    const inputs = chain.pending.splice(0, BLOCK_BARS);
    const block = { t: inputs.at(-1)!.t, after: chain.after, inputs };
    blocks.push(block);
    chain.after = block.t;
  }
  return blocks;
}

/**
 * The newest contiguous run of blocks, newest first: the first block, then each one that ends
 * at the bar just before the previous one begins. A block written by a chain restarted after a
 * replay or a lost state leaves a gap, where the run stops.
 */
export function contiguousBlocks(newestFirst: readonly WarmupBlock[]): WarmupBlock[] {
  const run: WarmupBlock[] = [];
  for (const block of newestFirst) {
    const previous = run.at(-1);
    if (previous && previous.after !== block.t) break;
    run.push(block);
  }
  return run;
}

/** Each input as 7 float64s (t, o, h, l, c, v, obv; NaN for a null OBV): exact, and nothing to unmarshal. */
const FIELDS = 7;

export function packInputs(inputs: readonly WarmupInput[]): Uint8Array {
  const values = new Float64Array(inputs.length * FIELDS);
  inputs.forEach(({ t, o, h, l, c, v, obv }, i) => values.set([t, o, h, l, c, v, obv ?? Number.NaN], i * FIELDS));
  return new Uint8Array(values.buffer);
}

export function unpackInputs(bytes: Uint8Array): WarmupInput[] {
  if (bytes.byteLength % (FIELDS * 8) !== 0)
    throw new RangeError(`a warm-up block of ${bytes.byteLength} bytes is not whole inputs of ${FIELDS} float64s`);
  // A copy: the bytes a client hands back need not be 8-byte aligned.
  const values = new Float64Array(bytes.slice().buffer);
  const inputs: WarmupInput[] = [];
  for (let i = 0; i < values.length; i += FIELDS) {
    const at = (field: number) => values[i + field]!;
    const obv = at(6);
    inputs.push({ t: at(0), o: at(1), h: at(2), l: at(3), c: at(4), v: at(5), obv: Number.isNaN(obv) ? null : obv });
  }
  return inputs;
}
