/**
 * Temporal Cloud's pay-as-you-go action prices (docs.temporal.io/cloud/pricing, read 2026-12):
 * the Developer plan pays the first tier at every volume; Business and above get these volume
 * prices on the account's monthly total. Above 200M actions the price is by quote, so the last
 * listed tier is used there (a ceiling, not an estimate of the quote).
 */
const TIERS: ReadonlyArray<{ upTo: number; usdPerMillion: number }> = [
  { upTo: 5e6, usdPerMillion: 50 },
  { upTo: 10e6, usdPerMillion: 45 },
  { upTo: 20e6, usdPerMillion: 40 },
  { upTo: 50e6, usdPerMillion: 35 },
  { upTo: 100e6, usdPerMillion: 30 },
  { upTo: Infinity, usdPerMillion: 25 },
];

/** The first tier, USD per action: what the Developer plan pays for every action. */
export const FIRST_TIER_USD_PER_ACTION = TIERS[0]!.usdPerMillion / 1e6;

/** USD for a month's actions at the Business plan's volume prices (actions only: the plan's fee is on top). */
export function volumePricedActionsUsd(actions: number): number {
  let usd = 0;
  let below = 0;
  for (const { upTo, usdPerMillion } of TIERS) {
    if (actions <= below) break;
    usd += ((Math.min(actions, upTo) - below) * usdPerMillion) / 1e6;
    below = upTo;
  }
  return usd;
}
