import type { BarBatch } from '../../domain/ingest-batch';
import {
  failureOf,
  forgetSeries,
  initialTickerState,
  mayHandBack,
  receiveForwarded,
  recordProcessed,
} from '../../domain/ticker-state';

const batch = (id: string, ...times: number[]): BarBatch => ({
  batchId: id,
  bars: times.map((t) => ({ t, o: 1, h: 1, l: 1, c: 1, v: 1, seq: String(t), arrivedAt: 0 })),
});
const idle = { wantsRecords: false, replayingFailure: false };

describe('ticker state', () => {
  it('holds forwarded batches in order and enters workflow mode once', () => {
    const s = initialTickerState();
    expect(receiveForwarded(s, { batch: batch('a', 1, 2), reader: 'r1' }, 0)).toEqual({
      enteredWorkflowMode: true,
      failure: null,
    });
    expect(receiveForwarded(s, { batch: batch('b', 3), reader: 'r1' }, 0).enteredWorkflowMode).toBe(false);
    expect(s).toMatchObject({ mode: 'workflow', reader: 'r1', lastReceivedSeq: '3' });
    expect(s.pending.map((b) => b.batchId)).toEqual(['a', 'b']);
  });

  it("gathers one read's failed batches into one failure, once each, keeping the first bar time", () => {
    const s = initialTickerState();
    receiveForwarded(s, { batch: batch('a', 5, 6), reader: 'r', failure: 'Error: x' }, 100);
    receiveForwarded(s, { batch: batch('b', 7), reader: 'r', failure: 'Error: x' }, 200);
    const { failure } = receiveForwarded(s, { batch: batch('a', 5, 6), reader: 'r', failure: 'Error: x' }, 300);
    expect(failure).toEqual({
      batchIds: ['a', 'b'],
      bars: 3,
      firstBarTime: 5,
      lastBarTime: 7,
      reason: 'Error: x',
      failedAt: 100,
    });
    expect(s.pending).toEqual([]);
  });

  it('a failure of batches processed together names them all', () => {
    expect(failureOf([batch('a', 1, 2), batch('b', 3)], 'Error: y', 9)).toEqual({
      batchIds: ['a', 'b'],
      bars: 3,
      firstBarTime: 1,
      lastBarTime: 3,
      reason: 'Error: y',
      failedAt: 9,
    });
  });

  it('records what the data plane processed', () => {
    const s = initialTickerState();
    recordProcessed(s, 2, { stored: 3, duplicates: 1, redelivered: 2, lastBarTime: 3, predictedThrough: 2 });
    recordProcessed(s, 1, { stored: 1, duplicates: 0, redelivered: 0, lastBarTime: 4, predictedThrough: 4 });
    expect(s).toMatchObject({
      lastBarTime: 4,
      predictedThrough: 4,
      stats: { batches: 3, barsStored: 4, duplicatesSkipped: 1, redelivered: 2 },
    });
  });

  it('hands back only when caught up, unheld, and not already asked through the same record', () => {
    const s = initialTickerState();
    expect(mayHandBack(s, idle)).toBe(false); // on the fast path
    receiveForwarded(s, { batch: batch('a', 1), reader: 'r' }, 0);
    expect(mayHandBack(s, idle)).toBe(false); // a batch is pending
    s.pending = [];
    expect(mayHandBack(s, idle)).toBe(true);
    expect(mayHandBack(s, { wantsRecords: true, replayingFailure: false })).toBe(false); // watched or replaying a range
    expect(mayHandBack(s, { wantsRecords: false, replayingFailure: true })).toBe(false);
    s.handBackAsked = { throughSeq: '1' };
    expect(mayHandBack(s, idle)).toBe(false); // asked already through '1'
    receiveForwarded(s, { batch: batch('b', 2), reader: 'r' }, 0);
    s.pending = [];
    expect(mayHandBack(s, idle)).toBe(true); // more arrived since: ask again, through '2'
    receiveForwarded(s, { batch: batch('c', 3), reader: 'r', failure: 'Error: z' }, 0);
    s.pending = [];
    expect(mayHandBack(s, idle)).toBe(false); // halted
  });

  it('forgets what it knew of the series when the fast path had it', () => {
    const s = initialTickerState();
    receiveForwarded(s, { batch: batch('a', 1), reader: 'r' }, 0);
    recordProcessed(s, 1, { stored: 1, duplicates: 0, redelivered: 0, lastBarTime: 1, predictedThrough: null });
    s.handBackAsked = { throughSeq: '1' };
    forgetSeries(s);
    expect(s).toMatchObject({ lastBarTime: null, lastReceivedSeq: null, handBackAsked: null });
  });
});
