import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
import { registerAlertCommands } from './commands/alerts';
import { registerBatchCommands } from './commands/batches';
import { registerBenchCommand } from './commands/bench';
import { registerDemoCommand } from './commands/demo';
import { registerInfraCommands } from './commands/infra';
import { registerModelCommands } from './commands/model';
import { registerProduceCommands } from './commands/produce';
import { registerReadCommands } from './commands/read';
import { registerStackCommands } from './commands/stack';
import { registerApiCommand } from './commands/api';
import { registerTickerCommands } from './commands/tickers';
import { registerWorkerCommand } from './commands/worker';

const program = new Command()
  .name('tickflow')
  .description('Real-time stock analysis: Kinesis → Temporal shard readers → indicators and predictions → DynamoDB.\nConfiguration comes from TICKFLOW_* environment variables (see docs/configuration.md).')
  .version(require('../package.json').version)
  .showHelpAfterError();

registerStackCommands(program);
registerDemoCommand(program);
registerWorkerCommand(program);
registerProduceCommands(program);
registerReadCommands(program);
registerTickerCommands(program);
registerBatchCommands(program);
registerAlertCommands(program);
registerModelCommands(program);
registerInfraCommands(program);
registerApiCommand(program);
registerBenchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // Known failures get their message only; anything else keeps its stack for bug reports.
  const known = error instanceof ConfigError || (error instanceof Error && /Error$/.test(error.name) && error.name !== 'Error' && error.name !== 'TypeError');
  process.stderr.write(`tickflow: ${known || !(error instanceof Error) ? String((error as Error).message ?? error) : error.stack}\n`);
  process.exit(1);
});
