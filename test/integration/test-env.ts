import { accessSync, constants, statfsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../config/config';

/** True when /dev/shm is writable with at least 512 MiB free (a container's is often 64 MiB); the suite stores about 25 MiB. */
function roomyTmpfs(): boolean {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize >= 512 * 2 ** 20;
  } catch {
    return false;
  }
}

/**
 * The integration suite's own stack: separate ports and data folder, so it never touches
 * (or is touched by) a stack the developer has running.
 */
export const testEnv: Record<string, string> = {
  TICKFLOW_STACK: 'local',
  TICKFLOW_HOME: path.join(repoRoot, '.tickflow', 'test'),
  TICKFLOW_TEMPORAL_PORT: '17233',
  TICKFLOW_TEMPORAL_UI_PORT: '18233',
  TICKFLOW_KINESIS_PORT: '14567',
  TICKFLOW_DYNAMODB_PORT: '18000',
  TICKFLOW_MOTO_PORT: '15000',
  TICKFLOW_SAGEMAKER_PORT: '18086',
  // On tmpfs where there is a roomy one: DynamoDB Local's SQLite syncs every write on disk, and the
  // suite needs its tables to outlive a restart of the service (the outage drill), not of the machine.
  ...(roomyTmpfs() ? { TICKFLOW_DYNAMODB_DATA: '/dev/shm/tickflow-test-dynamodb' } : {}),
  TICKFLOW_SAGEMAKER_PING_TIMEOUT_MS: '20000',
  TICKFLOW_PREDICT_RETRY_MAX_SECONDS: '2',
  TICKFLOW_STREAM: 'tickflow-test',
  TICKFLOW_SHARDS: '2',
  TICKFLOW_LONG_POLL_MS: '2000',
  // Idle shard reader runs end this soon, so hand-offs on a quiet shard are applied within seconds.
  TICKFLOW_SHARD_RUN_SECONDS: '5',
  TICKFLOW_POLL_INTERVAL_MS: '100',
  TICKFLOW_LOG_LEVEL: 'warn',
  // One test worker runs at a time; each serves its metrics here.
  TICKFLOW_METRICS_ADDRESS: '127.0.0.1:19464',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
