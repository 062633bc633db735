import { loadConfig } from '../../config/config';
import { createAwsClients, destroyAwsClients } from '../../clients/aws';
import { bootstrapResources } from '../../local/bootstrap';
import { stackDown, stackUp, wipeStackData } from '../../local/stack';
import { testEnv } from './test-env';

/** Starts a fresh real local stack for the integration suite (wiping its previous data). */
export default async function globalSetup(): Promise<void> {
  Object.assign(process.env, testEnv);
  const config = loadConfig();
  await stackDown(config);
  wipeStackData(config);
  const started = Date.now();
  await stackUp(config);
  const aws = createAwsClients(config);
  try {
    await bootstrapResources(config, aws);
  } finally {
    destroyAwsClients(aws);
  }
  process.stderr.write(
    `\n[integration] local stack up in ${((Date.now() - started) / 1000).toFixed(1)}s (${config.home})\n`,
  );
}
