import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '../../config/config';

// infra/ needs cdktf, a development dependency: load it only when an infra command runs, so the
// production image (npm ci --omit=dev) starts workers without it.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily, on purpose (above) */
const infraModules = () => ({
  ...(require('../../infra/app') as typeof import('../../infra/app')),
  ...(require('../../infra/outputs') as typeof import('../../infra/outputs')),
  ...(require('../../infra/settings') as typeof import('../../infra/settings')),
});
/* eslint-enable @typescript-eslint/no-require-imports */

export function registerInfraCommands(program: Command): void {
  const infra = program.command('infra').description('AWS deployment with CDK for Terraform (see docs/deploying.md)');
  infra
    .command('synth')
    .description('write the network and services stacks as Terraform JSON (offline)')
    .option('--out <dir>', 'output folder', path.join(repoRoot, 'infra', 'cdktf.out'))
    .action((options: { out: string }) => {
      const { buildApp, loadInfraSettings } = infraModules();
      const settings = loadInfraSettings();
      buildApp(settings, options.out).app.synth();
      process.stdout.write(
        [
          `wrote ${options.out}/stacks/network and ${options.out}/stacks/services (env ${settings.env}, region ${settings.region})`,
          `next: cd ${options.out}/stacks/network && terraform init && terraform apply; then the same in stacks/services`,
        ].join('\n') + '\n',
      );
    });
  infra
    .command('env')
    .description("print tickflow's aws configuration from the services stack's `terraform output -json`")
    .requiredOption('--outputs <file>', 'file with `terraform output -json` of stacks/services ("-" for stdin)')
    .action((options: { outputs: string }) => {
      const { awsEnvFromOutputs } = infraModules();
      const text = readFileSync(options.outputs === '-' ? 0 : options.outputs, 'utf8');
      const env = awsEnvFromOutputs(JSON.parse(text));
      process.stdout.write(
        `${Object.entries(env)
          .map(([k, v]) => `export ${k}=${JSON.stringify(v)}`)
          .join('\n')}\n`,
      );
    });
}
