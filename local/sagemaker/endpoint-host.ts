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

interface Variant {
  name: string;
  port: number;
  child: ChildProcess;
  inflight: number;
  stopping: boolean;
  log: string;
}

export interface InvocationResult {
  status: number;
  body: Buffer;
  contentType: string;
  variant: string;
}

/**
 * Runs the `serve` processes behind endpoints. A deployment is blue/green, as SageMaker's
 * default: the new variant starts beside the old one and gets traffic only after it
 * answers /ping; the old one then drains its in-flight requests and stops. A variant that
 * never passes /ping is stopped and the endpoint keeps serving what it served.
 */
export class EndpointHost {
  private readonly live = new Map<string, Variant>();

  constructor(
    private readonly s3: S3Client,
    private readonly runtime: ContainerRuntime,
    private readonly workDir: string,
    private readonly pingTimeoutMs: number,
  ) {}

  serving(endpoint: string): string | undefined {
    return this.live.get(endpoint)?.name;
  }

  async deploy(endpoint: string, config: EndpointConfig, model: Model): Promise<void> {
    const variantName = config.ProductionVariants[0]!.VariantName;
    const root = path.join(this.workDir, 'endpoints', endpoint, config.EndpointConfigName);
    await this.unpackModel(model, root);
    const variant = await this.start(variantName, root, model.PrimaryContainer.Environment ?? {});
    if (!(await this.passesPing(variant))) {
      await this.stop(variant);
      throw new SageMakerError(
        'DeploymentFailed',
        `The primary container for production variant ${variantName} did not pass the ping health check. Please check the logs for this endpoint (${variant.log}).`,
      );
    }
    const previous = this.live.get(endpoint);
    this.live.set(endpoint, variant);
    this.superviseLive(endpoint, variant, root, model);
    if (previous) await this.drainAndStop(previous);
  }

  async invoke(
    endpoint: string,
    body: Buffer,
    contentType: string,
    accept: string | undefined,
  ): Promise<InvocationResult> {
    const variant = this.live.get(endpoint);
    if (!variant)
      throw new SageMakerError(
        'ServiceUnavailable',
        `Endpoint ${endpoint} has no instance serving right now; try again.`,
        503,
      );
    variant.inflight++;
    try {
      const response = await fetch(`http://127.0.0.1:${variant.port}/invocations`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, ...(accept ? { Accept: accept } : {}) },
        body,
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
      variant.inflight--;
    }
  }

  async remove(endpoint: string): Promise<void> {
    const variant = this.live.get(endpoint);
    this.live.delete(endpoint);
    if (variant) await this.stop(variant);
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

  private async start(name: string, root: string, environment: Record<string, string>): Promise<Variant> {
    const port = await freePort();
    const log = path.join(root, 'serve.log');
    const child = startContainer(this.runtime, 'serve', root, log, {
      ...environment,
      SAGEMAKER_BIND_TO_PORT: String(port),
      TICKFLOW_SERVE_HOST: '127.0.0.1',
    });
    return { name, port, child, inflight: 0, stopping: false, log };
  }

  private async passesPing(variant: Variant): Promise<boolean> {
    const deadline = Date.now() + this.pingTimeoutMs;
    while (Date.now() < deadline && variant.child.exitCode === null) {
      try {
        const response = await fetch(`http://127.0.0.1:${variant.port}/ping`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return true;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    return false;
  }

  /** SageMaker replaces an instance whose container dies; so does this host, after a pause. */
  private superviseLive(endpoint: string, variant: Variant, root: string, model: Model): void {
    variant.child.once('exit', () => {
      if (variant.stopping || this.live.get(endpoint) !== variant) return;
      this.live.delete(endpoint);
      setTimeout(() => void this.replace(endpoint, variant.name, root, model), 1_000);
    });
  }

  private async replace(endpoint: string, name: string, root: string, model: Model): Promise<void> {
    try {
      const replacement = await this.start(name, root, model.PrimaryContainer.Environment ?? {});
      if (this.live.has(endpoint) || !(await this.passesPing(replacement))) return await this.stop(replacement);
      this.live.set(endpoint, replacement);
      this.superviseLive(endpoint, replacement, root, model);
    } catch (error) {
      // The endpoint stays without an instance (invocations get ServiceUnavailable) until the next update.
      console.error(`endpoint ${endpoint}: could not replace its ${name} instance: ${(error as Error).message}`);
    }
  }

  private async drainAndStop(variant: Variant): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (variant.inflight > 0 && Date.now() < deadline) await sleep(20);
    await this.stop(variant);
  }

  private async stop(variant: Variant): Promise<void> {
    variant.stopping = true;
    if (variant.child.exitCode !== null || variant.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => variant.child.once('exit', () => resolve()));
    variant.child.kill('SIGTERM');
    const timer = setTimeout(() => variant.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
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
