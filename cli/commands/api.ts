import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { startApi } from '../../api/server';
import { parsePositiveInt } from './produce';

export function registerApiCommand(program: Command): void {
  program
    .command('api')
    .description(
      'serve the HTTP API (OpenAPI at /openapi.json), the dashboard (/) and the training portal (/portal) until Ctrl-C',
    )
    .option('--port <n>', 'port (default TICKFLOW_API_PORT, 8787)', parsePositiveInt)
    .action(async (options: { port?: number }) => {
      const config = loadConfig();
      const api = await startApi(config, options);
      process.stdout.write(
        [
          `dashboard        ${api.url}/`,
          `training portal  ${api.url}/portal#token=${api.token}`,
          `API (OpenAPI)    ${api.url}/openapi.json`,
          config.api.token
            ? 'mutations need the token in TICKFLOW_API_TOKEN'
            : `token for mutations (made up for this run; set TICKFLOW_API_TOKEN to fix one): ${api.token}`,
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await api.close();
    });
}
