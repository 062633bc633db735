import { z } from 'zod';
import { INTERVALS, tickerSchema, type BarInterval } from './market-event';

export const ALERT_KINDS = [
  'price-above',
  'price-below',
  'rsi-above',
  'rsi-below',
  'move-pct',
  'predicted-move',
] as const;
type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * A price alert rule as users write it (CLI, API). Each kind fires when its value crosses the
 * level — the previous bar was on the other side — so a price resting above a level fires
 * once, not on every bar. A rule is then quiet for `cooldownMinutes` of bar time, so a price
 * flapping around the level does not spam.
 */
export const alertRuleInputSchema = z
  .object({
    ticker: tickerSchema,
    interval: z.enum(INTERVALS).default('1d'),
    kind: z.enum(ALERT_KINDS),
    /** A price (price-*), an RSI value (rsi-*), or a percentage (move-pct, predicted-move). */
    level: z.number().refine(Number.isFinite, 'level must be a finite number'),
    /** move-pct: the move is measured over this many bars. */
    windowBars: z.number().int().min(1).max(500).optional(),
    cooldownMinutes: z.number().min(0).max(525_600).default(60),
  })
  .superRefine((rule, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (rule.kind === 'move-pct' && rule.windowBars === undefined) issue('move-pct needs windowBars');
    if (rule.kind !== 'move-pct' && rule.windowBars !== undefined)
      issue(`windowBars only applies to move-pct, not ${rule.kind}`);
    if ((rule.kind === 'rsi-above' || rule.kind === 'rsi-below') && !(rule.level > 0 && rule.level < 100))
      issue('an RSI level lies between 0 and 100');
    if (
      (rule.kind === 'price-above' ||
        rule.kind === 'price-below' ||
        rule.kind === 'move-pct' ||
        rule.kind === 'predicted-move') &&
      !(rule.level > 0)
    ) {
      issue(`${rule.kind} needs a positive level`);
    }
  });

type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

export interface AlertRule extends AlertRuleInput {
  id: string;
  createdAt: number;
}

/** What a rule looks at, per bar: the close, RSI and (for predicted-move) the predicted return. */
export interface AlertPoint {
  t: number;
  close: number;
  rsi14: number | null;
  predictedReturn?: number | null;
}

export interface Crossing {
  t: number;
  value: number;
  close: number;
}

export interface Alert extends Crossing {
  ruleId: string;
  ticker: string;
  interval: BarInterval;
  kind: AlertKind;
  level: number;
  message: string;
}

/** Bars of history before the new ones a rule needs to decide whether a new bar crossed. */
export const lookbackBars = (rules: readonly AlertRule[]): number =>
  Math.max(1, ...rules.map((r) => r.windowBars ?? 1));

function valueAt(rule: AlertRule, points: readonly AlertPoint[], i: number): number | null {
  const point = points[i]!;
  switch (rule.kind) {
    case 'price-above':
    case 'price-below':
      return point.close;
    case 'rsi-above':
    case 'rsi-below':
      return point.rsi14;
    case 'move-pct': {
      const base = points[i - rule.windowBars!];
      return base ? (point.close / base.close - 1) * 100 : null;
    }
    case 'predicted-move':
      return point.predictedReturn === null || point.predictedReturn === undefined ? null : point.predictedReturn * 100;
  }
}

function breached(rule: AlertRule, value: number): boolean {
  switch (rule.kind) {
    case 'price-above':
    case 'rsi-above':
      return value >= rule.level;
    case 'price-below':
    case 'rsi-below':
      return value <= rule.level;
    case 'move-pct':
    case 'predicted-move':
      return Math.abs(value) >= rule.level;
  }
}

/**
 * The points from `firstNew` on where the rule's value crosses into breach; earlier points are
 * history. A point without a previous value (the start of a series) cannot cross.
 */
export function findCrossings(rule: AlertRule, points: readonly AlertPoint[], firstNew: number): Crossing[] {
  const crossings: Crossing[] = [];
  for (let i = Math.max(1, firstNew); i < points.length; i++) {
    const value = valueAt(rule, points, i);
    const previous = valueAt(rule, points, i - 1);
    if (value !== null && previous !== null && breached(rule, value) && !breached(rule, previous))
      crossings.push({ t: points[i]!.t, value, close: points[i]!.close });
  }
  return crossings;
}

/** Whether a crossing at `t` is past the cooldown of the rule's last alert (bar time, so replays decide alike). */
export const pastCooldown = (rule: AlertRule, t: number, lastAlertAt: number | null): boolean =>
  lastAlertAt === null || t - lastAlertAt >= rule.cooldownMinutes * 60_000;

const DESCRIPTIONS: Record<AlertKind, string> = {
  'price-above': 'close crossed above',
  'price-below': 'close crossed below',
  'rsi-above': 'RSI 14 crossed above',
  'rsi-below': 'RSI 14 crossed below',
  'move-pct': 'moved by at least (%)',
  'predicted-move': 'predicted move of at least (%)',
};

export function alertOf(rule: AlertRule, crossing: Crossing): Alert {
  const window = rule.kind === 'move-pct' ? ` over ${rule.windowBars} bars` : '';
  const message = `${rule.ticker} ${rule.interval}: ${DESCRIPTIONS[rule.kind]} ${rule.level}${window} — value ${crossing.value.toFixed(2)}, close ${crossing.close} at ${new Date(crossing.t).toISOString()}`;
  return {
    ...crossing,
    ruleId: rule.id,
    ticker: rule.ticker,
    interval: rule.interval,
    kind: rule.kind,
    level: rule.level,
    message,
  };
}
