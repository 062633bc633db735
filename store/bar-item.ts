import { INDICATOR_NAMES } from '../domain/indicators';
import { seriesKey } from '../domain/series-key';
import { warmupInput, type WarmupInput } from '../domain/warmup-blocks';
import type { StoredBar } from './bars-store';
import type { Forecast } from './predictions-store';

/**
 * How a bar is laid out in its DynamoDB item. The key, the bar, its stream record and OBV (what
 * a cold start reads back) are attributes of their own; the other indicators and the forecast
 * are one JSON string each. DynamoDB Local's cost of a write grows with its attributes: 8,000
 * bars with every value an attribute of its own (26) took 1.25–1.5 × as long to write as with
 * these 11 (bench/RESULTS.md, `dynamodb-local`). Ticker, interval and time are the key's (pk, t),
 * not stored twice.
 */
export type BarItem = WarmupInput & {
  pk: string;
  seq?: string;
  /** The indicators but OBV, a JSON object by name (null: not enough bars yet). */
  indicators: string;
  /** The forecast made at this bar, a JSON object, once there is one. */
  prediction?: string;
};

const PACKED_INDICATORS = INDICATOR_NAMES.filter((name) => name !== 'obv');

/** A non-finite number would be stored as JSON null, silently: refused, as the SDK refuses it for a number attribute. */
function finite(row: StoredBar, name: string, value: number | null): number | null {
  if (value !== null && !Number.isFinite(value))
    throw new TypeError(
      `bar ${row.ticker} ${row.interval} ${row.time}: ${name} is ${value}, which DynamoDB cannot store`,
    );
  return value;
}

export function barItem(row: StoredBar): BarItem {
  const indicators: Record<string, number | null> = {};
  for (const name of PACKED_INDICATORS) indicators[name] = finite(row, name, row[name]);
  return {
    pk: seriesKey(row.ticker, row.interval),
    ...warmupInput(row),
    ...(row.seq === undefined ? {} : { seq: row.seq }),
    indicators: JSON.stringify(indicators),
    ...(row.prediction === undefined ? {} : { prediction: JSON.stringify(row.prediction) }),
  };
}

/**
 * A bar as stored from its item, with ticker, interval and time from the key (`series`); or, for
 * the attributes a query projected, those alone. Reads items of the layout before this one too
 * (every value an attribute, the forecast a map), so a table an older tickflow wrote reads whole.
 */
export function barOf<R extends Partial<StoredBar>>(item: object, series?: { ticker: string; interval: string }): R {
  const { pk: _pk, indicators, prediction, ...rest } = item as Record<string, unknown>;
  return {
    ...(series && typeof rest.t === 'number' ? { ...series, time: new Date(rest.t).toISOString() } : {}),
    ...rest,
    ...(typeof indicators === 'string' ? parsed<Record<string, number | null>>(indicators, 'indicators', item) : {}),
    ...(prediction === undefined
      ? {}
      : { prediction: typeof prediction === 'string' ? parsed<Forecast>(prediction, 'prediction', item) : prediction }),
  } as R;
}

function parsed<T>(json: string, attribute: string, item: { pk?: unknown; t?: unknown }): T {
  try {
    return JSON.parse(json) as T;
  } catch (error) {
    throw new TypeError(
      `stored bar ${String(item.pk)} ${String(item.t)}: ${attribute} is not JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
}
