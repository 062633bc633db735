import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { barEvent, encodeMarketEvent } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { readStatus } from '../../cli/commands/read';
import { readWorkerMetrics } from '../../cli/worker-metrics';
import { BarsStore } from '../../store/bars-store';
import { DeadLetterStore } from '../../store/dead-letter-store';
import { openContext, startWorker, waitForIngestion, type TestContext, type WorkerProcess } from './harness';

const TICKER = 'MIXED';
const good = new SyntheticMarket({
  tickers: 1,
  seed: 11,
  startTime: Date.parse('2024-03-01T14:30:00Z'),
  stepMs: 60_000,
});
const goodBars = Array.from({ length: 60 }, () => good.next()[0]!.bar);
const valid = (i: number) => barEvent(TICKER, '1m', goodBars[i]!);

/** Each bad record, and words its dead letter's reason must contain. */
const badRecords: Array<{ data: string; key?: string; reason: RegExp }> = [
  { data: '{"v":1,"type":"bar",', reason: /malformed JSON/ },
  { data: '[1,2,3]', reason: /not a JSON object/ },
  { data: JSON.stringify({ ...valid(0), v: 2 }), reason: /unknown schema version 2/ },
  { data: JSON.stringify((({ c: _c, ...rest }) => rest)(valid(1))), reason: /c: c must be a number/ },
  { data: JSON.stringify({ ...valid(2), o: 'NaN' }), reason: /o: o must be a number/ },
  { data: JSON.stringify({ ...valid(3), l: -1 }), reason: /l: l must be a finite positive number/ },
  { data: JSON.stringify({ ...valid(4), h: 1, l: 2 }), reason: /high 1 is below low 2/ },
  { data: JSON.stringify({ ...valid(5), t: 'yesterday' }), reason: /t must be an ISO-8601 timestamp/ },
  { data: JSON.stringify({ ...valid(6), ticker: 'lower' }), reason: /ticker must be/ },
  { data: encodeMarketEvent(valid(7)), key: 'OTHER', reason: /partition key "OTHER" does not match ticker MIXED/ },
];

describe('malformed records among valid ones', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  const badSequences = new Map<string, RegExp>();

  beforeAll(async () => {
    context = await openContext();
    worker = startWorker('dead-letters');
    // One record per request keeps the ticker's order exact; bad ones interleave every six good ones.
    const lastSequenceByShard: Record<string, string> = {};
    const put = async (data: string, key = TICKER) => {
      const result = await context.aws.kinesis.send(
        new PutRecordsCommand({
          StreamName: context.config.stream.name,
          Records: [{ PartitionKey: key, Data: Buffer.from(data) }],
        }),
      );
      const record = result.Records![0]!;
      lastSequenceByShard[record.ShardId!] = record.SequenceNumber!;
      return record.SequenceNumber!;
    };
    for (let i = 0; i < goodBars.length; i++) {
      await put(encodeMarketEvent(valid(i)));
      const bad = i % 6 === 5 ? badRecords[(i - 5) / 6] : undefined;
      if (bad) badSequences.set(await put(bad.data, bad.key), bad.reason);
    }
    expect(badSequences.size).toBe(badRecords.length);
    await waitForIngestion(context, lastSequenceByShard, [{ ticker: TICKER, interval: '1m' }], worker);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('each bad record is in the dead-letter store with its reason and raw data', async () => {
    const letters = await new DeadLetterStore(context.aws.documents, context.config.tables.deadLetters).list();
    for (const [seq, reason] of badSequences) {
      const letter = letters.find((l) => l.seq === seq);
      expect(letter).toBeDefined();
      expect(letter!.reason).toMatch(reason);
      expect(letter!.raw.length).toBeGreaterThan(0);
      expect(letter!.source).toMatch(/^kinesis\/tickflow-test\/shardId-/);
    }
  });

  test('status counts every dead letter, these among them', async () => {
    const letters = await new DeadLetterStore(context.aws.documents, context.config.tables.deadLetters).list();
    expect((await readStatus(context.aws, context.config)).deadLetters).toBe(letters.length);
    expect(letters.filter((l) => badSequences.has(l.seq))).toHaveLength(badRecords.length);
  });

  test('every good record around them is stored', async () => {
    const stored = await new BarsStore(context.aws.documents, context.config.tables.bars).range(TICKER, '1m');
    expect(stored.map((b) => b.t)).toEqual(goodBars.map((b) => b.t));
    expect(stored.map((b) => b.c)).toEqual(goodBars.map((b) => b.c));
  });

  test('the worker serves Prometheus metrics counting what it stored and dead-lettered, and status sums them up', async () => {
    // This suite's worker started fresh, so its counters cover exactly this suite's records.
    const [url] = context.config.metrics.scrapeUrls;
    const page = await (await fetch(url!)).text();
    expect(page).toMatch(/^temporal_worker_task_slots_available\{/m); // the SDK's own worker metrics, same page
    const { reached, summary } = await readWorkerMetrics([url!, 'http://127.0.0.1:9/metrics']);
    expect(reached).toEqual([url]);
    expect(summary!.barsStored).toBe(goodBars.length);
    expect(summary!.deadLettered).toBe(badRecords.length);
    expect(summary!.batchesFailed).toBe(0);
    expect(summary!.lag.worst.find((l) => l.ticker === TICKER)?.seconds).toBeGreaterThanOrEqual(0);
  });
});
