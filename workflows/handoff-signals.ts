// The hand-off between a shard reader (the fast path) and a ticker workflow, in both directions.
import { defineSignal } from '@temporalio/workflow';
import type { ForwardedBatch, HandBackRequest, HandOverRequest } from './ingest-contracts';

/** Reader → ticker: a batch of a ticker in workflow mode (or one the fast path failed for good). */
export const barsSignal = defineSignal<[ForwardedBatch]>('bars');
/** Reader → ticker: from now on the ticker's records come to the workflow. */
export const handedOverSignal = defineSignal<[{ reader: string }]>('handedOver');
/** Reader → ticker: the fast path has the ticker again. */
export const handedBackSignal = defineSignal('handedBack');
/** Ticker → reader: send me the ticker's records (a watch, a replay). */
export const handOverSignal = defineSignal<[HandOverRequest]>('handOver');
/** Ticker → reader: I processed everything you sent through `throughSeq`; take the ticker back. */
export const handBackSignal = defineSignal<[HandBackRequest]>('handBack');
