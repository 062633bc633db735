import type { BarInterval } from '../domain/market-event';

/** Where an onboarded ticker's history comes from: a Yahoo-format CSV on the worker's disk or in S3, or nowhere (live only). */
export type HistorySource = { kind: 'csv'; path: string } | { kind: 's3'; uri: string } | { kind: 'none' };

export interface OnboardRequest {
  ticker: string;
  interval: BarInterval;
  source: HistorySource;
  /** Backfill bars from this time on (epoch ms); absent: the whole source. */
  from?: number;
}

type TickerStatus = 'onboarding' | 'active' | 'offboarded' | 'failed';

export interface RegistryEntry {
  ticker: string;
  interval: BarInterval;
  status: TickerStatus;
  source: HistorySource;
  from?: number;
  /** Bars the backfill sent, once it has. */
  backfilledBars?: number;
  reason?: string;
  updatedAt: number;
}

export interface OnboardingOutcome {
  ticker: string;
  interval: BarInterval;
  ok: boolean;
  backfilledBars: number;
  reason?: string;
}

export interface BackfillResult {
  bars: number;
  lastBarTime: number | null;
}

export interface RegistryActivities {
  backfillHistory(request: OnboardRequest): Promise<BackfillResult>;
  awaitSeriesStored(input: { ticker: string; interval: BarInterval; through: number }): Promise<void>;
}

export interface OnboardingProgress {
  phase: 'backfilling' | 'warming' | 'done' | 'failed';
  bars: number;
}
