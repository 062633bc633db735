import { App } from 'cdktf';
import { NetworkStack } from './network-stack';
import { ServicesStack } from './services-stack';
import type { InfraSettings } from './settings';

/** The two stacks, as the seed deployed them: network first, then services on top of it. */
export function buildApp(
  settings: InfraSettings,
  outdir: string,
): { app: App; network: NetworkStack; services: ServicesStack } {
  const app = new App({ outdir, skipValidation: false });
  const network = new NetworkStack(app, 'network', settings);
  const services = new ServicesStack(app, 'services', settings, network);
  return { app, network, services };
}
