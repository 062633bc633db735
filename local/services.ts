import path from 'node:path';
import type { TickflowConfig } from '../config/config';
import { repoRoot } from '../config/config';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/search-attributes';

/** Where `local/install.sh` puts the stack's programs (shared by every data folder). */
export const toolsDir = path.join(repoRoot, '.tickflow', 'tools');

/** A background process tickflow starts, records by pid file and stops: a stack service or an app (local/apps.ts). */
export interface ProcessSpec {
  name: string;
  description: string;
  command: string;
  args: string[];
  /** Ports that must answer before the process counts as up (none: up once started). */
  ports: number[];
  url: string;
  /** What to tell the user when the program is missing. */
  requires: { path: string; hint: string };
  /** Added to the environment the process inherits. */
  env?: Record<string, string>;
  /** How long a SIGTERM may take before SIGKILL (default 10 s). */
  stopGraceMs?: number;
}

export interface ServiceSpec extends ProcessSpec {
  name: 'temporal' | 'kinesis' | 'dynamodb' | 'moto' | 'sagemaker';
  /** Folders the service keeps its data in: created before it starts, wiped with the stack's data. */
  dataDirs: string[];
  /** False when the service holds its data in memory, so a restart would lose it. */
  keepsDataOnRestart: boolean;
}

/** A service that is one of local/'s TypeScript entry points, run by this Node through tsx. */
const nodeScript = (script: string, ...args: string[]) => ({
  command: process.execPath,
  args: ['--import', 'tsx', path.join(repoRoot, 'local', script), ...args],
});

export function serviceSpecs(config: TickflowConfig): ServiceSpec[] {
  const data = path.join(config.home, 'data');
  const venvBin = path.join(toolsDir, 'venv', 'bin');
  const dynamoLib = path.join(toolsDir, 'dynamodb', 'lib');
  const setupHint = 'run `npm run setup` (local/install.sh)';
  const { ports } = config;
  return [
    {
      name: 'temporal',
      description: 'Temporal dev server (SQLite-backed) and Web UI',
      command: path.join(venvBin, 'temporal'),
      args: [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(ports.temporal),
        '--ui-port',
        String(ports.temporalUi),
        '--db-filename',
        path.join(data, 'temporal.sqlite'),
        '--namespace',
        config.temporal.namespace,
        '--log-level',
        'warn',
        // WAL without an fsync per commit: survives a crash of the server process (what the drills
        // exercise), not a power loss — the right trade for a laptop stack, and it removes the I/O wait.
        '--sqlite-pragma',
        'journal_mode=wal',
        '--sqlite-pragma',
        'synchronous=normal',
        // The server hands an activity that a workflow task schedules straight back to the worker
        // that completed the task: one task-queue round trip less per batch (on in Temporal Cloud).
        '--dynamic-config-value',
        'system.enableActivityEagerExecution=true',
        '--ui-disable-news-fetch',
        ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([key, type]) => ['--search-attribute', `${key}=${type}`]),
      ],
      ports: [ports.temporal, ports.temporalUi],
      dataDirs: [data],
      keepsDataOnRestart: true,
      url: `grpc 127.0.0.1:${ports.temporal}, Web UI ${config.temporal.uiUrl}`,
      requires: { path: path.join(venvBin, 'temporal'), hint: `the Temporal CLI is not installed: ${setupHint}` },
    },
    {
      name: 'kinesis',
      description: 'Kinesis (kinesalite, LevelDB-backed)',
      ...nodeScript('kinesis-server.ts', String(ports.kinesis), path.join(data, 'kinesis')),
      ports: [ports.kinesis],
      dataDirs: [path.join(data, 'kinesis')],
      keepsDataOnRestart: true,
      url: `http://127.0.0.1:${ports.kinesis}`,
      requires: {
        path: path.join(repoRoot, 'node_modules', 'kinesalite'),
        hint: `kinesalite is not installed: ${setupHint}`,
      },
    },
    dynamodbSpec(config, dynamoLib, setupHint),
    {
      name: 'moto',
      description: 'S3 and SNS (moto server, in memory)',
      command: path.join(venvBin, 'moto_server'),
      args: ['-H', '127.0.0.1', '-p', String(ports.moto)],
      ports: [ports.moto],
      dataDirs: [],
      keepsDataOnRestart: false,
      url: `http://127.0.0.1:${ports.moto}`,
      requires: { path: path.join(venvBin, 'moto_server'), hint: `moto is not installed: ${setupHint}` },
    },
    {
      name: 'sagemaker',
      description: "SageMaker (tickflow's local control plane + runtime; runs model/ train and serve)",
      ...nodeScript('sagemaker-server.ts', String(ports.sagemaker), path.join(data, 'sagemaker')),
      ports: [ports.sagemaker],
      dataDirs: [path.join(data, 'sagemaker')],
      keepsDataOnRestart: true,
      url: `http://127.0.0.1:${ports.sagemaker}`,
      requires: {
        path: path.join(venvBin, 'python'),
        hint: `the Python venv with XGBoost is not installed: ${setupHint}`,
      },
    },
  ];
}

function dynamodbSpec(config: TickflowConfig, dynamoLib: string, setupHint: string): ServiceSpec {
  const storage = config.dynamodbLocal;
  return {
    name: 'dynamodb',
    description: `DynamoDB Local (AWS, SQLite ${storage.storage === 'memory' ? 'in memory' : 'on disk'})`,
    command: 'java',
    args: [
      `-Dsqlite4java.library.path=${dynamoLib}`,
      '-Xmx1g',
      '-cp',
      `${dynamoLib}/*`,
      'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
      '-port',
      String(config.ports.dynamodb),
      ...(storage.storage === 'memory' ? ['-inMemory'] : ['-dbPath', storage.dir]),
      '-sharedDb',
      // Otherwise it tries to send telemetry (nothing may reach the network at run time) and
      // writes dynamodb-local-metadata.json into its working directory, the repository.
      '-disableTelemetry',
    ],
    ports: [config.ports.dynamodb],
    dataDirs: storage.storage === 'memory' ? [] : [storage.dir],
    keepsDataOnRestart: storage.storage === 'disk',
    url: `http://127.0.0.1:${config.ports.dynamodb}`,
    requires: { path: dynamoLib, hint: `DynamoDB Local is not installed: ${setupHint}` },
  };
}
