import type { Client } from '@temporalio/client';
import type { TickflowConfig } from '../config/config';
import type { BarInterval } from '../domain/market-event';
import { ensureTickerRegistry } from '../workers/ticker-registry';
import { offboardUpdate, onboardUpdate, tickersQuery } from '../workflows/registry';
import type { OnboardRequest, RegistryEntry } from '../workflows/registry-contracts';
import { REGISTRY_WORKFLOW_ID } from '../workflows/workflow-ids';
import { refusalsAsErrors } from './refusals';

/** Registry operations shared by the CLI and the API: each is an Update the registry workflow validates. */

export async function onboardTicker(
  temporal: Client,
  config: TickflowConfig,
  request: OnboardRequest,
): Promise<RegistryEntry> {
  await ensureTickerRegistry(config, temporal);
  return refusalsAsErrors(() =>
    temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID).executeUpdate(onboardUpdate, { args: [request] }),
  );
}

export async function offboardTicker(
  temporal: Client,
  config: TickflowConfig,
  ticker: string,
  interval: BarInterval,
): Promise<RegistryEntry> {
  await ensureTickerRegistry(config, temporal);
  return refusalsAsErrors(() =>
    temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID).executeUpdate(offboardUpdate, { args: [{ ticker, interval }] }),
  );
}

export async function registryEntries(temporal: Client, config: TickflowConfig): Promise<RegistryEntry[]> {
  await ensureTickerRegistry(config, temporal);
  return temporal.workflow.getHandle(REGISTRY_WORKFLOW_ID).query(tickersQuery);
}
