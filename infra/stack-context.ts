import type { Construct } from 'constructs';
import type { InfraSettings } from './settings';

/** Names shared by the stack and the config mapping (infra/outputs.ts). */
export const resourceNames = (env: string) => ({
  stream: `${env}-market-data`,
  tablePrefix: env,
  bucketPrefix: `${env}-data-`,
  alertsTopic: `${env}-alerts`,
  cluster: env,
  taskQueue: 'tickflow-ingest',
  endpoint: `${env}-predictor`,
  // Workers log the alarmed counters as CloudWatch embedded metrics in this namespace.
  metricsNamespace: `tickflow/${env}`,
});

/**
 * What each part of the services stack is built from. `scope` is the stack itself, so every
 * resource keeps its Terraform address whichever file declares it.
 */
export interface StackContext {
  scope: Construct;
  settings: InfraSettings;
  names: ReturnType<typeof resourceNames>;
  /** A resource name in this environment: `<env>-<suffix>`. */
  name: (suffix: string) => string;
  accountId: string;
}
