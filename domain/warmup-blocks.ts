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

/** A series' bars since its newest block, the time of the bar before them (null: none yet), and its newest blocks. */
export interface BlockChain {
  pending: WarmupInput[];
  after: number | null;
  /** The `t`s of the chain's newest blocks, newest first, as many as a warm-up reads: a cold start gets them by key. */
  blocks: number[];
}

/** A chain with nothing in it yet, going on after `after` (null: from the series' first bar). */
export const newChain = (after: number | null): BlockChain => ({ pending: [], after, blocks: [] });

/**
 * Where a series' chain stood at its last finished read, kept in its progress item: its newest
 * blocks' keys and how many bars follow them, so a cold start gets the blocks by key and reads
 * exactly the bars after them, instead of querying for both.
 */
export interface ChainPosition {
  after: number | null;
  blocks: number[];
  pending: number;
}

export const positionOf = ({ after, blocks, pending }: BlockChain): ChainPosition => ({
  after,
  blocks,
  pending: pending.length,
});

/**
 * A chain position as one string for the progress item: written for every series in every read,
 * where a map holding a list of 12 numbers cost DynamoDB Local about a third more per write
 * (15 nested values to parse) and the SDK as many to marshal.
 */
export const positionText = (position: ChainPosition): string => JSON.stringify(position);

const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

/**
 * The chain position stored in a progress item (a string, or a map as written before), or
 * undefined when it is absent or not a position: a cold load then finds the blocks by queries.
 */
export function positionFrom(stored: unknown): ChainPosition | undefined {
  let value: unknown = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { after, blocks, pending } = value as Record<string, unknown>;
  const valid =
    (after === null || isTime(after)) &&
    Array.isArray(blocks) &&
    blocks.every(isTime) &&
    Number.isSafeInteger(pending) &&
    (pending as number) >= 0;
  return valid ? { after, blocks, pending: pending as number } : undefined;
}

/** The blocks a warm-up of `warmupBars` bars reads when `pending` bars follow the newest. */
export const blocksToRead = (warmupBars: number, pending = 0): number =>
  Math.ceil(Math.max(0, warmupBars - pending) / BLOCK_BARS);

/** The warm-up input of a bar (or a stored row): only what a replay needs. */
export const warmupInput = ({ t, o, h, l, c, v, obv }: WarmupInput): WarmupInput => ({ t, o, h, l, c, v, obv });

/**
 * Adds newly stored bars to the chain and returns the blocks they complete, oldest first; the
 * chain keeps the keys of its newest `keep` blocks.
 */
export function completeBlocks(chain: BlockChain, bars: readonly WarmupInput[], keep: number): WarmupBlock[] {
  chain.pending.push(...bars.map(warmupInput));
  const blocks: WarmupBlock[] = [];
  while (chain.pending.length >= BLOCK_BARS) {
    const inputs = chain.pending.splice(0, BLOCK_BARS);
    const block = { t: inputs.at(-1)!.t, after: chain.after, inputs };
    blocks.push(block);
    chain.after = block.t;
    chain.blocks = [block.t, ...chain.blocks].slice(0, keep);
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
  // A copy: the bytes handed in need not be 8-byte aligned, nor own their buffer (a Buffer from the pool).
  const values = new Float64Array(new Uint8Array(bytes).buffer);
  const inputs: WarmupInput[] = [];
  for (let i = 0; i < values.length; i += FIELDS) {
    const obv = values[i + 6]!;
    inputs.push({
      t: values[i]!,
      o: values[i + 1]!,
      h: values[i + 2]!,
      l: values[i + 3]!,
      c: values[i + 4]!,
      v: values[i + 5]!,
      obv: Number.isNaN(obv) ? null : obv,
    });
  }
  return inputs;
}
