import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { exited, startContainer, type ContainerRuntime } from './container';
import { downloadPrefix, folderHasFiles, uploadFolderTarGz } from './s3-files';
import type { TrainingJob } from './state';

/**
 * Runs one training job the way SageMaker does: channels downloaded from S3 into
 * input/data/<channel>/, hyperparameters.json written, `train` run, model/ uploaded as
 * model.tar.gz and output/data/ as output.tar.gz, output/failure read on error.
 */
export class TrainingRunner {
  private readonly running = new Map<string, ChildProcess>();
  private readonly stopRequested = new Set<string>();

  constructor(
    private readonly s3: S3Client,
    private readonly runtime: ContainerRuntime,
    private readonly workDir: string,
  ) {}

  async run(job: TrainingJob, update: (change: Partial<TrainingJob>) => void): Promise<void> {
    const name = job.TrainingJobName;
    const root = path.join(this.workDir, 'training-jobs', name);
    const secondary = (SecondaryStatus: string, StatusMessage: string) => {
      update({
        SecondaryStatus,
        SecondaryStatusTransitions: [
          ...(job.SecondaryStatusTransitions ?? []),
          { Status: SecondaryStatus, StartTime: Date.now() / 1000, StatusMessage },
        ],
      });
    };
    try {
      await rm(root, { recursive: true, force: true });
      secondary('Downloading', 'Downloading input data');
      for (const channel of job.InputDataConfig ?? []) {
        const uri = channel.DataSource.S3DataSource.S3Uri;
        const files = await downloadPrefix(this.s3, uri, path.join(root, 'input', 'data', channel.ChannelName));
        if (files === 0)
          throw new JobFailure(`ClientError: no objects under ${uri} for channel ${channel.ChannelName}`);
      }
      await mkdir(path.join(root, 'input', 'config'), { recursive: true });
      await writeFile(
        path.join(root, 'input', 'config', 'hyperparameters.json'),
        JSON.stringify(job.HyperParameters ?? {}),
      );
      await mkdir(path.join(root, 'model'), { recursive: true });
      await mkdir(path.join(root, 'output', 'data'), { recursive: true });

      secondary('Training', 'Training image download completed. Training in progress.');
      update({ TrainingStartTime: Date.now() / 1000 });
      const child = startContainer(this.runtime, 'train', root, path.join(root, 'train.log'));
      this.running.set(name, child);
      const maxSeconds = job.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400;
      const timer = setTimeout(() => {
        this.stopRequested.add(name);
        child.kill('SIGTERM');
      }, maxSeconds * 1000);
      const code = await exited(child).finally(() => {
        clearTimeout(timer);
        this.running.delete(name);
      });
      if (this.stopRequested.delete(name)) {
        update({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped', TrainingEndTime: Date.now() / 1000 });
        return;
      }
      if (code !== 0) {
        const reason = await readFile(path.join(root, 'output', 'failure'), 'utf8').catch(
          () => `exited with code ${code}; see ${path.join(root, 'train.log')}`,
        );
        throw new JobFailure(`AlgorithmError: ${reason.trim()}`);
      }

      secondary('Uploading', 'Uploading generated training model');
      const output = `${job.OutputDataConfig.S3OutputPath.replace(/\/+$/, '')}/${name}/output`;
      await uploadFolderTarGz(this.s3, path.join(root, 'model'), `${output}/model.tar.gz`);
      if (await folderHasFiles(path.join(root, 'output', 'data')))
        await uploadFolderTarGz(this.s3, path.join(root, 'output', 'data'), `${output}/output.tar.gz`);
      secondary('Completed', 'Training job completed');
      update({
        TrainingJobStatus: 'Completed',
        TrainingEndTime: Date.now() / 1000,
        ModelArtifacts: { S3ModelArtifacts: `${output}/model.tar.gz` },
      });
    } catch (error) {
      const reason = error instanceof JobFailure ? error.message : `InternalServerError: ${(error as Error).message}`;
      secondary('Failed', reason);
      update({ TrainingJobStatus: 'Failed', FailureReason: reason, TrainingEndTime: Date.now() / 1000 });
    }
  }

  stop(name: string): boolean {
    const child = this.running.get(name);
    if (!child) return false;
    this.stopRequested.add(name);
    child.kill('SIGTERM');
    return true;
  }

  stopAll(): void {
    for (const name of this.running.keys()) this.stop(name);
  }
}

class JobFailure extends Error {}
