import type { Client } from '@temporalio/client';
import { loadConfig, type TickflowConfig } from '../config/config';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../clients/aws';
import { connectTemporal } from '../clients/temporal';

/** What a command talks to: config, AWS clients and a Temporal client, closed when the command ends. */
export interface CliContext {
  config: TickflowConfig;
  aws: AwsClients;
  temporal: Client;
}

export async function withContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const aws = createAwsClients(config);
  try {
    const { client, connection } = await connectTemporal(config);
    try {
      return await work({ config, aws, temporal: client });
    } finally {
      await connection.close();
    }
  } finally {
    destroyAwsClients(aws);
  }
}

/** For commands that need only AWS (no Temporal connection). */
export async function withAws<T>(work: (aws: AwsClients, config: TickflowConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const aws = createAwsClients(config);
  try {
    return await work(aws, config);
  } finally {
    destroyAwsClients(aws);
  }
}
