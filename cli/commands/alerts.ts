import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { alertsTopicArn } from '../../clients/alerts-topic';
import { ALERT_KINDS, alertRuleInputSchema, type AlertRule } from '../../domain/alert-rules';
import { SnsHttpSubscriber } from '../../api/sns-subscriber';
import { AlertRulesStore } from '../../store/alert-rules-store';
import { AlertsStore } from '../../store/alerts-store';
import { withAws } from '../context';
import { emit, iso, table } from '../output';
import { parsePositiveInt, parseTicker } from './produce';

class AlertRuleError extends Error {
  override name = 'AlertRuleError';
}

const number =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };

/** A rule from CLI options, validated by the same schema as the API. */
function newAlertRule(input: unknown, now = Date.now()): AlertRule {
  const parsed = alertRuleInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AlertRuleError(
      `invalid alert rule: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`,
    );
  return {
    ...parsed.data,
    id: `${parsed.data.ticker}-${parsed.data.kind}-${randomUUID().slice(0, 8)}`,
    createdAt: now,
  };
}

const ruleRow = (r: AlertRule) => ({
  id: r.id,
  ticker: r.ticker,
  interval: r.interval,
  kind: r.kind,
  level: r.level,
  window: r.windowBars ?? '-',
  'cooldown min': r.cooldownMinutes,
});

export function registerAlertCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('price alert rules, the alerts they fired, and a live feed through SNS');

  alerts
    .command('add')
    .description(
      `add a rule; kinds: ${ALERT_KINDS.join(', ')}. A rule fires when its value crosses the level, then rests for the cooldown`,
    )
    .requiredOption('--ticker <symbol>', 'ticker', parseTicker)
    .requiredOption('--kind <kind>', ALERT_KINDS.join(' | '))
    .requiredOption('--level <n>', 'price, RSI value, or percent (move-pct, predicted-move)', number('--level'))
    .option('--interval <interval>', 'bar interval', '1d')
    .option('--window <bars>', 'move-pct: bars the move is measured over', parsePositiveInt)
    .option('--cooldown <minutes>', 'bar-time minutes a rule stays quiet after firing', number('--cooldown'), 60)
    .option('--json', 'print the rule as JSON')
    .action(
      async (options: {
        ticker: string;
        kind: string;
        level: number;
        interval: string;
        window?: number;
        cooldown: number;
        json?: boolean;
      }) => {
        const rule = newAlertRule({
          ticker: options.ticker,
          interval: options.interval,
          kind: options.kind,
          level: options.level,
          windowBars: options.window,
          cooldownMinutes: options.cooldown,
        });
        await withAws((aws, config) => new AlertRulesStore(aws.documents, config.tables.alertRules).put(rule));
        emit(options.json, rule, () => `added ${rule.id} (workers pick it up within 5 s)`);
      },
    );

  alerts
    .command('list')
    .description('the alert rules')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const rules = await withAws((aws, config) => new AlertRulesStore(aws.documents, config.tables.alertRules).list());
      emit(options.json, rules, () => table(rules.map(ruleRow)));
    });

  alerts
    .command('rm <id>')
    .description('remove a rule (its alerts stay in the log)')
    .action(async (id: string) => {
      const existed = await withAws((aws, config) =>
        new AlertRulesStore(aws.documents, config.tables.alertRules).delete(id),
      );
      if (!existed) throw new AlertRuleError(`no alert rule ${id} (\`tickflow alerts list\` shows them)`);
      process.stdout.write(`removed ${id}\n`);
    });

  alerts
    .command('log')
    .description('alerts fired, newest first, and whether SNS accepted them')
    .option('--ticker <symbol>', 'only this ticker', parseTicker)
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .option('--json', 'print machine-readable output')
    .action(async (options: { ticker?: string; limit: number; json?: boolean }) => {
      const log = await withAws((aws, config) =>
        new AlertsStore(aws.documents, config.tables.alerts).list({ ticker: options.ticker, limit: options.limit }),
      );
      emit(options.json, log, () =>
        table(
          log.map((a) => ({
            bar: iso(a.t),
            rule: a.ruleId,
            value: a.value.toFixed(2),
            close: a.close,
            published: a.publishedAt ? iso(a.publishedAt) : 'not yet',
            message: a.message,
          })),
        ),
      );
    });

  alerts
    .command('watch')
    .description(
      'subscribe a local HTTP endpoint to the alerts topic and print each alert SNS delivers (Ctrl-C stops and unsubscribes)',
    )
    .option('--port <port>', 'port to listen on (127.0.0.1); 0 picks a free one', number('--port'), 0)
    .option('--json', 'print each alert as one JSON line')
    .action(async (options: { port: number; json?: boolean }) => {
      await withAws(async (aws, config) => {
        const subscriber = await SnsHttpSubscriber.start({
          sns: aws.sns,
          topicArn: await alertsTopicArn(aws.sns, config)(),
          port: options.port,
          onNotification: (n) =>
            process.stdout.write(
              options.json
                ? `${n.message}\n`
                : `${n.timestamp}  ${(JSON.parse(n.message) as { message?: string }).message ?? n.message}\n`,
            ),
          onError: (error) => process.stderr.write(`tickflow: ${error.message}\n`),
        });
        process.stderr.write(`listening on ${subscriber.url}, subscribed to ${config.alertsTopic}; Ctrl-C stops\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await subscriber.close();
      });
    });
}
