/**
 * Temporal cost: live-shaped 1-minute bars (every ticker's next bar arrives on its own, as in
 * market hours) through the pipeline with a model in service, then the billable actions
 * counted from the real workflow histories, per bar and per ticker-month at Temporal Cloud's
 * list price: the first tier, and the volume prices for the whole market.
 *
 *   npm run bench:temporal-cost -- [--tickers 20] [--steps 30]
 */
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { connectTemporal } from '../clients/temporal';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { syntheticTickerName } from '../domain/synthetic';
import { serveMinuteModel } from './bench-model';
import { benchStackSetup, withBenchStack } from './bench-stack';
import { untilPredicted, untilStored } from './pipeline-probes';
import { recordFigures, recordResults } from './results';
import { benchOptions } from './options';
import { FIRST_TIER_USD_PER_ACTION, volumePricedActionsUsd } from './temporal-pricing';

const { tickers: TICKERS, steps: STEPS } = benchOptions('temporal-cost', { tickers: 20, steps: 30 });
/** The whole US market, for the bill at volume prices. */
const MARKET_TICKERS = 8_000;
/** US market hours: 390 one-minute bars a day, 21 trading days a month. */
const BARS_PER_MONTH = 390 * 21;
const say = (line: string) => process.stderr.write(`[bench:temporal-cost] ${line}\n`);
const LIMIT_MS = 10 * 60_000;

const EventType = proto.api.enums.v1.EventType;
/**
 * Heartbeats are billed but not in histories. The SDK sends at most one per 0.8 × the heartbeat
 * timeout (workflows/shard-reader.ts: 10 s) while an activity heartbeats, and runShard heartbeats
 * on every poll and read, so a shard reader sends this many a minute around the clock.
 */
const READER_HEARTBEATS_PER_MINUTE = 60 / (0.8 * 10);
/**
 * History events that are billable actions (Temporal Cloud "Actions"): starts (including
 * continue-as-new runs), signals, activities (each attempt), timers, search-attribute upserts,
 * markers, child starts, external signals, accepted updates. Heartbeats and queries are billed
 * too but do not appear in histories; the pipeline queries nothing in steady state.
 */
function billableActions(events: proto.api.history.v1.IHistoryEvent[]): number {
  let actions = 0;
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case EventType.EVENT_TYPE_TIMER_STARTED:
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      case EventType.EVENT_TYPE_MARKER_RECORDED:
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        actions++;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        actions += e.activityTaskStartedEventAttributes?.attempt ?? 1; // the first attempt plus every retry
        break;
      default:
    }
  }
  return actions;
}

async function historiesOf(client: Client, query: string) {
  const out: Array<{ workflowId: string; events: proto.api.history.v1.IHistoryEvent[] }> = [];
  for await (const run of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    out.push({ workflowId: run.workflowId, events: history.events ?? [] });
  }
  return out;
}

/** Activity attempts by activity type, over many histories. */
function activityAttempts(runs: Array<{ events: proto.api.history.v1.IHistoryEvent[] }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { events } of runs) {
    const typeOf = new Map<string, string>();
    for (const e of events) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started) {
        const type = typeOf.get(String(started.scheduledEventId)) ?? '?';
        counts.set(type, (counts.get(type) ?? 0) + (started.attempt ?? 1));
      }
    }
  }
  return counts;
}

async function main(): Promise<void> {
  await withBenchStack(
    say,
    async (stack) => {
      const { config, aws } = stack;
      // A model in service, so every bar is predicted as live.
      const model = await serveMinuteModel(stack, say);
      const { client, connection } = await connectTemporal(config);
      try {
        const startTime = Date.parse('2024-01-02T14:30:00Z');
        const tickers = Array.from({ length: TICKERS }, (_, i) => syntheticTickerName(i));
        const lastBar = startTime + (STEPS - 1) * 60_000;
        say(`${TICKERS} tickers × ${STEPS} one-minute bars, one step every 2 s (each bar its own batch, as live)`);
        const started = Date.now();
        await produce(
          aws.kinesis,
          syntheticSource({ tickers: TICKERS, bars: STEPS, seed: 42, interval: '1m', rate: 0.5, startTime }),
          { streamName: config.stream.name },
        );
        await untilStored(stack, TICKERS, lastBar, LIMIT_MS, say);
        await untilPredicted(stack, tickers, '1m', lastBar, LIMIT_MS, say);
        const minutes = (Date.now() - started) / 60_000;
        const tickerRuns = await historiesOf(client, 'WorkflowType = "tickerWorkflow"');
        const readerRuns = await historiesOf(client, 'WorkflowType = "shardReaderWorkflow"');
        const bars = TICKERS * STEPS;
        const tickerActions = tickerRuns.reduce((n, r) => n + billableActions(r.events), 0);
        const readerActions = readerRuns.reduce((n, r) => n + billableActions(r.events), 0);
        const attempts = activityAttempts([...tickerRuns, ...readerRuns]);
        const perBar = tickerActions / bars;
        const perActivity = [...attempts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, n]) => `${type} ${n}`)
          .join(', ');
        // Shard readers run whether or not data flows: a fixed cost per shard, spread over the tickers it serves.
        // Their histories cover the whole stack's life (model set-up included), an upper bound of the rate while bars flow.
        const firstEventAt = Math.min(
          ...readerRuns.map((r) => Number(r.events[0]?.eventTime?.seconds ?? Date.now() / 1000) * 1000),
        );
        const lifeMinutes = (Date.now() - firstEventAt) / 60_000;
        const readerPerShardMinute = readerActions / config.stream.shards / lifeMinutes + READER_HEARTBEATS_PER_MINUTE;
        const readerPerShardMonth = readerPerShardMinute * 60 * 24 * 30;
        const marketActions = MARKET_TICKERS * perBar * BARS_PER_MONTH + config.stream.shards * readerPerShardMonth;
        const marketPerBar = marketActions / (MARKET_TICKERS * BARS_PER_MONTH);
        recordFigures('temporalCost', {
          actionsPerBar: marketPerBar,
          usdPerTickerMonth: (marketActions * FIRST_TIER_USD_PER_ACTION) / MARKET_TICKERS,
          usdPerTickerMonthVolumePriced: volumePricedActionsUsd(marketActions) / MARKET_TICKERS,
          tickerWorkflowActionsPerBar: perBar,
          readerActionsPerShardMinute: readerPerShardMinute,
        });
        const rows: Array<[string, string]> = [
          [
            'run',
            `${TICKERS} tickers × ${STEPS} bars, one bar per ticker every 2 s (${minutes.toFixed(1)} min), predictions on (model ${model}); ${tickerRuns.length} ticker workflow runs, ${readerRuns.length} shard reader runs`,
          ],
          ['ticker workflow actions per bar (tickers on the fast path have none)', perBar.toFixed(3)],
          ['activity attempts, all workflows', perActivity],
          [
            'shard reader actions per shard-minute',
            `${readerPerShardMinute.toFixed(1)} (${(readerActions / config.stream.shards / lifeMinutes).toFixed(1)} in histories over the stack's ${lifeMinutes.toFixed(1)} min, + ${READER_HEARTBEATS_PER_MINUTE.toFixed(1)} heartbeats, estimated)`,
          ],
          [
            'fixed: shard readers per shard-month, around the clock',
            `$${(readerPerShardMonth * FIRST_TIER_USD_PER_ACTION).toFixed(2)} (${Math.round(readerPerShardMonth).toLocaleString()} actions)`,
          ],
          [
            `whole market: ${MARKET_TICKERS.toLocaleString()} tickers × 1-minute bars in market hours (390 × 21) on ${config.stream.shards} shards`,
            `${(marketActions / 1e6).toFixed(2)}M actions a month = ${marketPerBar.toFixed(4)} per bar: $${((marketActions * FIRST_TIER_USD_PER_ACTION) / MARKET_TICKERS).toFixed(4)} per ticker-month at $50 per million (first tier; $${(volumePricedActionsUsd(marketActions) / MARKET_TICKERS).toFixed(4)} at the Business plan's volume prices) — target ≤ $0.05`,
          ],
        ];
        recordResults(
          'temporal-cost',
          'Temporal cost per bar and per ticker-month',
          `npm run bench:temporal-cost -- --tickers ${TICKERS} --steps ${STEPS}`,
          rows,
          benchStackSetup,
        );
        for (const [k, v] of rows) process.stdout.write(`${k.padEnd(70)} ${v}\n`);
      } finally {
        await connection.close();
      }
    },
    { role: 'all', env: { TICKFLOW_TRAINING_INTERVAL: '1m' } },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:temporal-cost failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
