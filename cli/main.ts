import { Command, CommanderError } from 'commander';
import { version } from '../package.json';
import { errorMessage } from './error-message';
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
  .description(
    'Real-time stock analysis: Kinesis → Temporal shard readers → indicators and predictions → DynamoDB.\nConfiguration comes from TICKFLOW_* environment variables (see docs/configuration.md).',
  )
  .version(version)
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
  process.stderr.write(`tickflow: ${errorMessage(error)}\n`);
  process.exit(1);
});
