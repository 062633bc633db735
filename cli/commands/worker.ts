import { Option, type Command } from 'commander';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../../config/config';
import { runIngestWorker } from '../../workers/ingest-worker';
import { runTrainingWorker } from '../../workers/training-worker';
import { installRuntime } from '../../workers/runtime';

type Role = 'all' | 'ingest' | 'training';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run tickflow workers (Ctrl-C stops them gracefully): ingest = shard readers, per-ticker workflows, predictions; training = retraining Schedule, training and deployment workflows')
    .addOption(new Option('--role <role>', 'which worker to run').choices(['all', 'ingest', 'training']).default('all'))
    .action(async (options: { role: Role }) => {
      const config = loadConfig();
      installRuntime(config);
      // One workflow bundle for both workers in a process: bundling takes seconds.
      const workflowBundle = options.role === 'all' ? await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietBundler }) : undefined;
      const bundle = workflowBundle ? { workflowBundle } : {};
      await Promise.all([
        options.role !== 'training' ? runIngestWorker(config, bundle) : undefined,
        options.role !== 'ingest' ? runTrainingWorker(config, bundle) : undefined,
      ]);
    });
}

const quietBundler = { trace: () => {}, debug: () => {}, info: () => {}, warn: console.warn, error: console.error, log: () => {} };
