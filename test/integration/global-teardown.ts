import { loadConfig } from '../../config/config';
import { stackDown } from '../../local/stack';
import { testEnv } from './test-env';

export default async function globalTeardown(): Promise<void> {
  Object.assign(process.env, testEnv);
  await stackDown(loadConfig());
}
