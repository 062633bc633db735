import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TickflowConfig } from '../config/config';

/** Once per process, before any worker or connection: the SDK core's own logging level. */
export function installRuntime(config: TickflowConfig): void {
  Runtime.install({ logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN') });
}
