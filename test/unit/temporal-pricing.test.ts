import { FIRST_TIER_USD_PER_ACTION, volumePricedActionsUsd } from '../../bench/temporal-pricing';

describe('Temporal Cloud action prices', () => {
  it('bills the pricing page example: 11.25M actions on Business = $525', () => {
    expect(volumePricedActionsUsd(11.25e6)).toBeCloseTo(525, 6);
  });

  it('bills the first tier alone below 5M actions', () => {
    expect(volumePricedActionsUsd(2e6)).toBeCloseTo(2e6 * FIRST_TIER_USD_PER_ACTION, 6);
    expect(volumePricedActionsUsd(0)).toBe(0);
  });

  it('adds every tier up to 200M and the last listed price above it', () => {
    // 250 + 225 + 400 + 1050 + 1500 + 2500 for the first 200M, then 50M at $25.
    expect(volumePricedActionsUsd(200e6)).toBeCloseTo(5925, 6);
    expect(volumePricedActionsUsd(250e6)).toBeCloseTo(5925 + 1250, 6);
  });
});
