// The local SageMaker: control plane + runtime on 127.0.0.1, running model/ as its only image.
// Usage: sagemaker-server.ts <port> <work-dir>   (S3 endpoint and region come from tickflow's config)
import path from 'node:path';
import { createAwsClients } from '../clients/aws';
import { loadConfig, repoRoot } from '../config/config';
import { ControlPlane } from './sagemaker/control-plane';
import { EndpointHost } from './sagemaker/endpoint-host';
import { createSageMakerServer } from './sagemaker/server';
import { TrainingRunner } from './sagemaker/training-runner';
import { toolsDir } from './services';

const [port = '8086', workDir = path.join(repoRoot, '.tickflow', 'data', 'sagemaker')] = process.argv.slice(2);
const config = loadConfig();
const { s3 } = createAwsClients(config);
const runtime = { python: path.join(toolsDir, 'venv', 'bin', 'python'), modelDir: path.join(repoRoot, 'model') };
const runner = new TrainingRunner(s3, runtime, workDir);
const host = new EndpointHost(s3, runtime, workDir, config.sagemaker.pingTimeoutMs);
const controlPlane = new ControlPlane(config.region, workDir, runner, host);
const server = createSageMakerServer(controlPlane, host);
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`local SageMaker listening on 127.0.0.1:${port} (work dir ${workDir})`);
  controlPlane.resume();
});
const stop = () => {
  runner.stopAll();
  server.close();
  void host.stopAll().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
