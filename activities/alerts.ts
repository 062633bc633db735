import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  alertOf,
  findCrossings,
  lookbackBars,
  pastCooldown,
  type AlertPoint,
  type AlertRule,
} from '../domain/alert-rules';
import type { BarInterval } from '../domain/market-event';
import type { CachedAlertRules } from '../store/alert-rules-store';
import type { AlertsStore } from '../store/alerts-store';
import type { BarsStore, StoredBar } from '../store/bars-store';
import type { Prediction } from '../store/predictions-store';

export interface AlertDispatcherDeps {
  rules: CachedAlertRules;
  alerts: AlertsStore;
  bars: BarsStore;
  sns: SNSClient;
  topicArn: () => Promise<string>;
}

const isPredictionRule = (rule: AlertRule) => rule.kind === 'predicted-move';

/**
 * Evaluates a series' alert rules on newly stored bars (or predictions), and stores and
 * publishes each alert exactly once: alerts are keyed by rule and bar, cooldowns count bar
 * time, so a retried or replayed batch decides the same and sends nothing twice.
 */
export class AlertDispatcher {
  constructor(private readonly deps: AlertDispatcherDeps) {}

  /** The series with any alert rule, by `ticker#interval`: the others have nothing to evaluate. */
  watchedSeries(): Promise<Set<string>> {
    return this.deps.rules.series();
  }

  async afterBars(ticker: string, interval: BarInterval, rows: readonly StoredBar[]): Promise<number> {
    const rules = (await this.deps.rules.forSeries(ticker, interval)).filter((r) => !isPredictionRule(r));
    if (rules.length === 0 || rows.length === 0) return 0;
    const history = await this.deps.bars.lastBefore(ticker, interval, rows[0]!.t, lookbackBars(rules));
    const points: AlertPoint[] = [...history, ...rows].map((b) => ({ t: b.t, close: b.c, rsi14: b.rsi14 }));
    return this.fire(rules, points, history.length);
  }

  async afterPredictions(ticker: string, interval: BarInterval, predictions: readonly Prediction[]): Promise<number> {
    const rules = (await this.deps.rules.forSeries(ticker, interval)).filter(isPredictionRule);
    if (rules.length === 0 || predictions.length === 0) return 0;
    const history = await this.deps.bars.forecasts.lastBefore(ticker, interval, predictions[0]!.t, 1);
    const points: AlertPoint[] = [...history, ...predictions].map((p) => ({
      t: p.t,
      close: p.predictedClose / Math.exp(p.predictedReturn),
      rsi14: null,
      predictedReturn: p.predictedReturn,
    }));
    return this.fire(rules, points, history.length);
  }

  private async fire(rules: AlertRule[], points: AlertPoint[], firstNew: number): Promise<number> {
    let published = 0;
    for (const rule of rules) {
      for (const crossing of findCrossings(rule, points, firstNew)) {
        if (!pastCooldown(rule, crossing.t, await this.deps.alerts.lastBefore(rule.id, crossing.t))) continue;
        const alert = alertOf(rule, crossing);
        if (!(await this.deps.alerts.recordUnpublished(alert, Date.now()))) continue;
        const answer = await this.deps.sns.send(
          new PublishCommand({
            TopicArn: await this.deps.topicArn(),
            Subject: `tickflow alert: ${alert.ticker} ${alert.kind} ${alert.level}`,
            Message: JSON.stringify(alert),
            MessageAttributes: {
              ticker: { DataType: 'String', StringValue: alert.ticker },
              rule: { DataType: 'String', StringValue: alert.ruleId },
              kind: { DataType: 'String', StringValue: alert.kind },
            },
          }),
        );
        await this.deps.alerts.markPublished(alert, answer.MessageId ?? '');
        published++;
      }
    }
    return published;
  }
}
