import http from 'node:http';
import type { ControlPlane } from './control-plane';
import type { EndpointHost } from './endpoint-host';
import { SageMakerError } from './errors';

const MAX_BODY = 6 * 1024 * 1024; // SageMaker's limits on a request payload
const INVOCATIONS = /^\/endpoints\/([^/]+)\/invocations$/;

/**
 * One HTTP server for both wire protocols tickflow's SDK clients speak:
 * - control plane: AWS JSON 1.1, `POST /` with `X-Amz-Target: SageMaker.<Operation>`;
 * - runtime: REST JSON, `POST /endpoints/{name}/invocations`.
 */
export function createSageMakerServer(controlPlane: ControlPlane, host: EndpointHost): http.Server {
  return http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      const e =
        error instanceof SageMakerError ? error : new SageMakerError('InternalFailure', (error as Error).message, 500);
      if (response.headersSent) return response.destroy();
      const runtime = INVOCATIONS.test(request.url ?? '');
      // JSON 1.1 errors carry `__type`; REST JSON errors the `x-amzn-ErrorType` header.
      const body = runtime ? { Message: e.message, message: e.message } : { __type: e.code, message: e.message };
      send(
        response,
        e.status,
        runtime ? 'application/json' : 'application/x-amz-json-1.1',
        Buffer.from(JSON.stringify(body)),
        { 'x-amzn-ErrorType': e.code },
      );
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    const invocation = INVOCATIONS.exec(request.url ?? '');
    if (invocation && request.method === 'POST') {
      const name = decodeURIComponent(invocation[1]!);
      const endpoint = runtimeEndpoint(controlPlane, name);
      if (endpoint.EndpointStatus === 'Creating' || endpoint.EndpointStatus === 'Failed') {
        throw new SageMakerError(
          'ValidationError',
          `Endpoint ${name} of account 000000000000 is not in service (${endpoint.EndpointStatus}).`,
        );
      }
      const contentType = request.headers['content-type'] ?? 'application/octet-stream';
      const result = await host.invoke(name, {
        body,
        contentType,
        accept: request.headers.accept,
        targetVariant: header(request, 'x-amzn-sagemaker-target-variant'),
      });
      if (result.status !== 200) {
        const message = result.body.toString('utf8').slice(0, 1024);
        const kind = result.status < 500 ? 'client' : 'server';
        const error = new SageMakerError(
          'ModelError',
          `Received ${kind} error (${result.status}) from primary with message "${message}".`,
          424,
        );
        return send(
          response,
          424,
          'application/json',
          Buffer.from(
            JSON.stringify({ Message: error.message, OriginalStatusCode: result.status, OriginalMessage: message }),
          ),
          { 'x-amzn-ErrorType': 'ModelError' },
        );
      }
      return send(response, 200, result.contentType, result.body, {
        'x-Amzn-Invoked-Production-Variant': result.variant,
      });
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('SageMaker.')
      ? controlPlane.operations[target.slice('SageMaker.'.length)]
      : undefined;
    if (request.method !== 'POST' || request.url !== '/' || !operation) {
      throw new SageMakerError(
        'UnknownOperationException',
        `The local SageMaker does not implement ${target || `${request.method} ${request.url}`}.`,
      );
    }
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new SageMakerError('SerializationException', 'The request body is not valid JSON.');
    }
    send(response, 200, 'application/x-amz-json-1.1', Buffer.from(JSON.stringify(operation(input) ?? {})));
  }
}

function runtimeEndpoint(controlPlane: ControlPlane, name: string) {
  try {
    return controlPlane.endpoint(name);
  } catch {
    throw new SageMakerError('ValidationError', `Endpoint ${name} of account 000000000000 not found.`);
  }
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new SageMakerError('ValidationError', `Request payload is larger than ${MAX_BODY} bytes.`, 413));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(
  response: http.ServerResponse,
  status: number,
  contentType: string,
  body: Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'x-amzn-RequestId': crypto.randomUUID(),
    ...headers,
  });
  response.end(body);
}
