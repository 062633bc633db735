import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';

/** The SNS HTTP(S) delivery envelope (the fields tickflow reads). */
const envelopeSchema = z.discriminatedUnion('Type', [
  z.object({
    Type: z.literal('Notification'),
    MessageId: z.string(),
    TopicArn: z.string(),
    Message: z.string(),
    Timestamp: z.string(),
  }),
  z.object({ Type: z.literal('SubscriptionConfirmation'), TopicArn: z.string(), SubscribeURL: z.url() }),
  z.object({ Type: z.literal('UnsubscribeConfirmation'), TopicArn: z.string() }),
]);

export interface SnsNotification {
  messageId: string;
  topicArn: string;
  message: string;
  timestamp: string;
}

export interface SnsSubscriberOptions {
  sns: SNSClient;
  topicArn: string;
  onNotification: (notification: SnsNotification) => void;
  /** Where to listen; port 0 picks a free one. */
  port?: number;
  /** The URL SNS should call, when it differs from the listening address (a public load balancer). */
  publicUrl?: string;
  onError?: (error: Error) => void;
}

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com$/;
const MAX_BODY = 256 * 1024; // SNS messages are at most 256 KB

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body larger than an SNS message can be'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * An HTTP endpoint subscribed to an SNS topic: alerts really travel through SNS to it. It
 * confirms the subscription when SNS asks (AWS does; moto subscribes at once), accepts only
 * messages of its own topic, and unsubscribes when closed.
 */
export class SnsHttpSubscriber {
  private constructor(
    private readonly server: Server,
    private readonly sns: SNSClient,
    readonly url: string,
    readonly subscriptionArn: string,
  ) {}

  static async start(options: SnsSubscriberOptions): Promise<SnsHttpSubscriber> {
    const server = createServer((request, response) => {
      const reply = (status: number, text: string) =>
        response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      if (request.method !== 'POST') return reply(405, 'SNS delivers with POST');
      readBody(request)
        .then(async (body) => {
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            return reply(400, 'not JSON');
          }
          const parsed = envelopeSchema.safeParse(json);
          if (!parsed.success) return reply(400, 'not an SNS message');
          const envelope = parsed.data;
          if (envelope.TopicArn !== options.topicArn) return reply(403, 'not the subscribed topic');
          if (envelope.Type === 'SubscriptionConfirmation') {
            // Only SNS itself may make this endpoint fetch a URL.
            if (!SNS_HOST.test(new URL(envelope.SubscribeURL).hostname))
              return reply(403, 'SubscribeURL is not an SNS address');
            const confirmed = await fetch(envelope.SubscribeURL);
            return reply(confirmed.ok ? 200 : 502, confirmed.ok ? 'confirmed' : 'confirmation failed');
          }
          if (envelope.Type === 'Notification') {
            options.onNotification({
              messageId: envelope.MessageId,
              topicArn: envelope.TopicArn,
              message: envelope.Message,
              timestamp: envelope.Timestamp,
            });
          }
          return reply(200, 'ok');
        })
        .catch((error: Error) => {
          options.onError?.(error);
          if (!response.headersSent) reply(500, 'could not handle the message');
        });
    });
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve),
    );
    const url = options.publicUrl ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
    try {
      const subscription = await options.sns.send(
        new SubscribeCommand({
          TopicArn: options.topicArn,
          Protocol: url.startsWith('https:') ? 'https' : 'http',
          Endpoint: url,
          ReturnSubscriptionArn: true,
        }),
      );
      return new SnsHttpSubscriber(server, options.sns, url, subscription.SubscriptionArn ?? '');
    } catch (error) {
      server.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    try {
      if (this.subscriptionArn.startsWith('arn:'))
        await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: this.subscriptionArn }));
    } finally {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }
}
