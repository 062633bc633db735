import pino from 'pino';

/** Structured JSON logs (one object per line) for long-running processes; CLI output stays human. */
export function createLogger(name: string, level: string = process.env.TICKFLOW_LOG_LEVEL ?? 'info') {
  return pino({ name, level, base: { pid: process.pid, service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type Logger = ReturnType<typeof createLogger>;
