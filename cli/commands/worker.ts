import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { runIngestWorker } from '../../workers/ingest-worker';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the ingest worker: shard readers, per-ticker workflows and their activities (Ctrl-C stops it gracefully)')
    .action(async () => {
      await runIngestWorker(loadConfig());
    });
}
