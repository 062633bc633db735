import type { TickflowConfig } from '../config/config';

/** Links into the Temporal Web UI: one workflow, or the workflow list filtered by a visibility query. */
export const workflowUrl = (config: TickflowConfig, workflowId: string): string =>
  `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
export const workflowsQueryUrl = (config: TickflowConfig, query: string): string =>
  `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent(query)}`;
