import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/config';
import { runIngestWorker } from '../../workers/ingest-worker';
import { runTrainingWorker } from '../../workers/training-worker';
import { runWorkers, type WorkerResources } from '../../workers/runtime';

type Role = 'all' | 'ingest' | 'training';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run tickflow workers (Ctrl-C stops them gracefully): ingest = shard readers, per-ticker workflows, predictions; training = retraining Schedule, training and deployment workflows',
    )
    .addOption(new Option('--role <role>', 'which worker to run').choices(['all', 'ingest', 'training']).default('all'))
    .action(async (options: { role: Role }) => {
      const config = loadConfig();
      const ingest = (resources: WorkerResources) => runIngestWorker(config, resources);
      const training = (resources: WorkerResources) => runTrainingWorker(config, resources);
      await runWorkers(config, { all: [ingest, training], ingest: [ingest], training: [training] }[options.role]);
    });
}
