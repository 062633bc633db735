import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import * as tar from 'tar';
import { startContainer, type ContainerRuntime } from './container';
import { SageMakerError } from './errors';
import { downloadObject, parseS3Uri } from './s3-files';
import type { EndpointConfig, Model } from './state';

/** The one `serve` process of a variant (SageMaker's instance). */
interface Instance {
  port: number;
  child: ChildProcess;
  inflight: number;
  stopping: boolean;
  log: string;
}

/** A production variant as deployed: its weight, and its instance while it has one. */
interface Variant {
  name: string;
  weight: number;
  root: string;
  model: Model;
  instance: Instance | undefined;
}

/** What an endpoint serves now: every variant of one endpoint config. */
type Deployment = Map<string, Variant>;

export interface VariantStatus {
  name: string;
  weight: number;
  model: Model;
  instances: number;
}

export interface InvocationResult {
  status: number;
  body: Buffer;
  contentType: string;
  variant: string;
}

/**
 * Runs the `serve` processes behind endpoints, one per production variant. A deployment is
 * blue/green, as SageMaker's default: every variant of the new config starts beside the old
 * ones and traffic moves only after all answer /ping; the old ones then drain their in-flight
 * requests and stop. A config any of whose variants never passes /ping is stopped whole, and
 * the endpoint keeps serving what it served. Traffic goes to a variant by weight, or to the
 * one an invocation names (TargetVariant), weight 0 included.
 */
export class EndpointHost {
  private readonly live = new Map<string, Deployment>();

  constructor(
    private readonly s3: S3Client,
    private readonly runtime: ContainerRuntime,
    private readonly workDir: string,
    private readonly pingTimeoutMs: number,
  ) {}

  /** The variants serving `endpoint`, or undefined while it serves nothing. */
  serving(endpoint: string): VariantStatus[] | undefined {
    const deployment = this.live.get(endpoint);
    return (
      deployment &&
      [...deployment.values()].map(({ name, weight, model, instance }) => ({
        name,
        weight,
        model,
        instances: instance ? 1 : 0,
      }))
    );
  }

  async deploy(endpoint: string, config: EndpointConfig, models: ReadonlyMap<string, Model>): Promise<void> {
    const variants: Variant[] = config.ProductionVariants.map((v) => ({
      name: v.VariantName,
      weight: v.InitialVariantWeight ?? 1,
      root: path.join(this.workDir, 'endpoints', endpoint, config.EndpointConfigName, v.VariantName),
      model: models.get(v.ModelName)!,
      instance: undefined,
    }));
    const started = await Promise.allSettled(
      variants.map(async (variant) => {
        await this.unpackModel(variant.model, variant.root);
        variant.instance = await this.start(variant);
        if (!(await this.passesPing(variant.instance)))
          throw new SageMakerError(
            'DeploymentFailed',
            `The primary container for production variant ${variant.name} did not pass the ping health check. Please check the logs for this endpoint (${variant.instance.log}).`,
          );
      }),
    );
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(variants.map((v) => v.instance && this.stop(v.instance)));
      throw failure.reason;
    }
    const previous = this.live.get(endpoint);
    const deployment: Deployment = new Map(variants.map((v) => [v.name, v]));
    this.live.set(endpoint, deployment);
    for (const variant of variants) this.supervise(deployment, variant, variant.instance!);
    if (previous) await Promise.all([...previous.values()].map((v) => v.instance && this.drainAndStop(v.instance)));
  }

  async invoke(
    endpoint: string,
    request: { body: Buffer; contentType: string; accept: string | undefined; targetVariant: string | undefined },
  ): Promise<InvocationResult> {
    const deployment = this.live.get(endpoint);
    if (!deployment)
      throw new SageMakerError(
        'ServiceUnavailable',
        `Endpoint ${endpoint} has no instance serving right now; try again.`,
        503,
      );
    const variant = request.targetVariant
      ? targeted(deployment, endpoint, request.targetVariant)
      : byWeight(deployment);
    const instance = variant.instance;
    if (!instance)
      throw new SageMakerError(
        'ServiceUnavailable',
        `Variant ${variant.name} of endpoint ${endpoint} has no instance serving right now; try again.`,
        503,
      );
    instance.inflight++;
    try {
      const response = await fetch(`http://127.0.0.1:${instance.port}/invocations`, {
        method: 'POST',
        headers: { 'Content-Type': request.contentType, ...(request.accept ? { Accept: request.accept } : {}) },
        body: request.body,
        signal: AbortSignal.timeout(60_000), // SageMaker's own invocation time limit
      });
      return {
        status: response.status,
        body: Buffer.from(await response.arrayBuffer()),
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
        variant: variant.name,
      };
    } catch (error) {
      throw new SageMakerError(
        'ModelError',
        `An error occurred while sending the request to the model: ${(error as Error).message}`,
        424,
      );
    } finally {
      instance.inflight--;
    }
  }

  async remove(endpoint: string): Promise<void> {
    const deployment = this.live.get(endpoint);
    this.live.delete(endpoint);
    if (deployment) await Promise.all([...deployment.values()].map((v) => v.instance && this.stop(v.instance)));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((endpoint) => this.remove(endpoint)));
  }

  private async unpackModel(model: Model, root: string): Promise<void> {
    const modelDir = path.join(root, 'model');
    const marker = path.join(root, '.unpacked');
    // Kept on disk: a restarted local SageMaker redeploys without S3 (moto is in memory).
    if (existsSync(marker)) return;
    await rm(root, { recursive: true, force: true });
    await mkdir(modelDir, { recursive: true });
    const archive = path.join(root, 'model.tar.gz');
    try {
      await downloadObject(this.s3, parseS3Uri(model.PrimaryContainer.ModelDataUrl), archive);
      await tar.extract({ file: archive, cwd: modelDir });
    } catch (error) {
      throw new SageMakerError(
        'DeploymentFailed',
        `Failed to extract model data archive from URL "${model.PrimaryContainer.ModelDataUrl}": ${(error as Error).message}`,
      );
    }
    await writeFile(marker, model.PrimaryContainer.ModelDataUrl);
  }

  private async start(variant: Variant): Promise<Instance> {
    const port = await freePort();
    const log = path.join(variant.root, 'serve.log');
    const child = startContainer(this.runtime, 'serve', variant.root, log, {
      ...variant.model.PrimaryContainer.Environment,
      SAGEMAKER_BIND_TO_PORT: String(port),
      TICKFLOW_SERVE_HOST: '127.0.0.1',
    });
    return { port, child, inflight: 0, stopping: false, log };
  }

  private async passesPing(instance: Instance): Promise<boolean> {
    const deadline = Date.now() + this.pingTimeoutMs;
    while (Date.now() < deadline && instance.child.exitCode === null) {
      try {
        const response = await fetch(`http://127.0.0.1:${instance.port}/ping`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return true;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    return false;
  }

  /** SageMaker replaces an instance whose container dies; so does this host, after a pause. */
  private supervise(deployment: Deployment, variant: Variant, instance: Instance): void {
    instance.child.once('exit', () => {
      if (instance.stopping || variant.instance !== instance) return;
      variant.instance = undefined;
      setTimeout(() => void this.replace(deployment, variant), 1_000);
    });
  }

  private async replace(deployment: Deployment, variant: Variant): Promise<void> {
    const current = () => [...this.live.values()].includes(deployment);
    try {
      const replacement = await this.start(variant);
      if (!current() || variant.instance || !(await this.passesPing(replacement))) return await this.stop(replacement);
      variant.instance = replacement;
      this.supervise(deployment, variant, replacement);
    } catch (error) {
      // The variant stays without an instance (its invocations get ServiceUnavailable) until the next update.
      console.error(`variant ${variant.name}: could not replace its instance: ${(error as Error).message}`);
    }
  }

  private async drainAndStop(instance: Instance): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (instance.inflight > 0 && Date.now() < deadline) await sleep(20);
    await this.stop(instance);
  }

  private async stop(instance: Instance): Promise<void> {
    instance.stopping = true;
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => instance.child.once('exit', () => resolve()));
    instance.child.kill('SIGTERM');
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/** The variant an invocation names; naming one the endpoint lacks is the caller's error, as on SageMaker. */
function targeted(deployment: Deployment, endpoint: string, name: string): Variant {
  const variant = deployment.get(name);
  if (!variant)
    throw new SageMakerError(
      'ValidationError',
      `The variant ${name} does not exist for endpoint ${endpoint} (it has ${[...deployment.keys()].join(', ')}).`,
    );
  return variant;
}

/** A variant drawn in proportion to the weights; with every weight 0, only targeted invocations are served. */
function byWeight(deployment: Deployment): Variant {
  const variants = [...deployment.values()].filter((v) => v.weight > 0);
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (!variants.length)
    throw new SageMakerError(
      'ValidationError',
      `Every variant of this endpoint has weight 0; name one with TargetVariant (${[...deployment.keys()].join(', ')}).`,
    );
  let draw = Math.random() * total;
  for (const variant of variants) if ((draw -= variant.weight) < 0) return variant;
  return variants[variants.length - 1]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
