import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * How the local SageMaker "runs an image": SageMaker starts a container as `<image> train` or
 * `<image> serve` with /opt/ml mounted; locally every image is the model/ folder run by the
 * venv's Python, with /opt/ml rooted in a working folder (TICKFLOW_OPT_ML).
 */
export interface ContainerRuntime {
  python: string;
  modelDir: string;
}

export function startContainer(
  runtime: ContainerRuntime,
  command: 'train' | 'serve',
  optMl: string,
  logFile: string,
  env: Record<string, string> = {},
): ChildProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    return spawn(runtime.python, [path.join(runtime.modelDir, 'main.py'), command], {
      cwd: runtime.modelDir,
      env: { ...process.env, ...env, TICKFLOW_OPT_ML: optMl, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
