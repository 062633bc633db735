import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { AlertDispatcher } from '../../activities/alerts';
import { SnsHttpSubscriber, type SnsNotification } from '../../api/sns-subscriber';
import { alertsTopicArn } from '../../clients/alerts-topic';
import { barEvent, encodeMarketEvent, type Bar } from '../../domain/market-event';
import type { AlertRule } from '../../domain/alert-rules';
import { AlertRulesStore, CachedAlertRules } from '../../store/alert-rules-store';
import { AlertsStore } from '../../store/alerts-store';
import { BarsStore } from '../../store/bars-store';
import {
  openContext,
  startWorker,
  waitFor,
  waitForIngestion,
  type TestContext,
  type WorkerProcess,
  runTickflow,
} from './harness';

const TICKER = 'ALRT';
const LEVEL = 100;
const start = Date.parse('2024-05-01T14:30:00Z');
// Closes around the level, one bar a minute. Crossings above 100 at minutes 2, 4, 6 and 20; with a
// 10-minute cooldown only 2 and 20 alert (4 and 6 are a flapping price).
const closes = [
  98,
  99,
  101,
  99.5,
  100.2,
  99,
  100.4,
  ...Array.from({ length: 12 }, () => 99.6),
  99.8,
  100.9,
  101.5,
  102,
];
const bars: Bar[] = closes.map((c, i) => ({ t: start + i * 60_000, o: c, h: c + 0.3, l: c - 0.3, c, v: 1_000 + i }));
const EXPECTED_ALERT_BARS = [2, 20].map((i) => bars[i]!.t);

const tickflow = (...args: string[]) => runTickflow(args);

describe('price alerts through SNS', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let subscriber: SnsHttpSubscriber;
  let rule: AlertRule;
  const received: SnsNotification[] = [];

  beforeAll(async () => {
    context = await openContext();
    subscriber = await SnsHttpSubscriber.start({
      sns: context.aws.sns,
      topicArn: await alertsTopicArn(context.aws.sns, context.config)(),
      onNotification: (n) => received.push(n),
    });
    const { stdout } = await tickflow(
      'alerts',
      'add',
      '--ticker',
      TICKER,
      '--interval',
      '1m',
      '--kind',
      'price-above',
      '--level',
      String(LEVEL),
      '--cooldown',
      '10',
      '--json',
    );
    rule = JSON.parse(stdout) as AlertRule;
    worker = startWorker('alerts');
    const lastSequenceByShard: Record<string, string> = {};
    // One record per request keeps the ticker's order exact; several batches, so crossings span batch edges.
    for (const bar of bars) {
      const result = await context.aws.kinesis.send(
        new PutRecordsCommand({
          StreamName: context.config.stream.name,
          Records: [{ PartitionKey: TICKER, Data: Buffer.from(encodeMarketEvent(barEvent(TICKER, '1m', bar))) }],
        }),
      );
      lastSequenceByShard[result.Records![0]!.ShardId!] = result.Records![0]!.SequenceNumber!;
    }
    await waitForIngestion(context, lastSequenceByShard, [{ ticker: TICKER, interval: '1m' }], worker);
    await waitFor('two alerts delivered', async () => received.length >= 2, 30_000);
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await subscriber?.close();
    await context?.close();
  });

  const alertBars = (notifications: SnsNotification[]) =>
    notifications.map((n) => (JSON.parse(n.message) as { t: number }).t).sort();

  test('each crossing past the cooldown arrives once at the HTTP subscriber, through SNS', async () => {
    await sleep(1_000); // nothing more may trickle in
    expect(alertBars(received)).toEqual(EXPECTED_ALERT_BARS);
    expect(JSON.parse(received[0]!.message)).toMatchObject({
      ruleId: rule.id,
      ticker: TICKER,
      kind: 'price-above',
      level: LEVEL,
    });
  });

  test('each alert is stored, marked published, and listed by `alerts log`', async () => {
    const { stdout } = await tickflow('alerts', 'log', '--ticker', TICKER, '--json');
    const log = JSON.parse(stdout) as Array<{ t: number; publishedAt?: number; messageId?: string; ruleId: string }>;
    expect(log.map((a) => a.t).sort()).toEqual(EXPECTED_ALERT_BARS);
    expect(log.every((a) => a.publishedAt && a.messageId && a.ruleId === rule.id)).toBe(true);
  });

  test('a retried batch (same bars evaluated again) stores and sends nothing twice', async () => {
    const barsStore = new BarsStore(context.aws.documents, context.config.tables.bars);
    const dispatcher = new AlertDispatcher({
      rules: new CachedAlertRules(new AlertRulesStore(context.aws.documents, context.config.tables.alertRules)),
      alerts: new AlertsStore(context.aws.documents, context.config.tables.alerts),
      bars: barsStore,
      sns: context.aws.sns,
      topicArn: alertsTopicArn(context.aws.sns, context.config),
    });
    const stored = await barsStore.range(TICKER, '1m');
    expect(await dispatcher.afterBars(TICKER, '1m', stored.slice(1))).toBe(0);
    await sleep(500);
    expect(received).toHaveLength(2);
  });

  test('rules are listed and removed; a bad rule and an unknown id are refused by name', async () => {
    expect(JSON.parse((await tickflow('alerts', 'list', '--json')).stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: rule.id })]),
    );
    await expect(
      tickflow('alerts', 'add', '--ticker', TICKER, '--kind', 'move-pct', '--level', '3'),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/invalid alert rule: move-pct needs windowBars/) });
    await tickflow('alerts', 'rm', rule.id);
    await expect(tickflow('alerts', 'rm', rule.id)).rejects.toMatchObject({
      stderr: expect.stringMatching(new RegExp(`no alert rule ${rule.id}`)),
    });
  });
});
