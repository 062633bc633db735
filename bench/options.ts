import { parseArgs } from 'node:util';

type Default = number | readonly number[];
type Parsed<T extends Record<string, Default>> = { [K in keyof T]: T[K] extends number ? number : number[] };

/**
 * The options every benchmark takes: positive numbers (a list where the default is one),
 * `--help` listing them with their defaults, and a bad value named before anything starts.
 */
export function benchOptions<T extends Record<string, Default>>(script: string, defaults: T): Parsed<T> {
  const shown = (value: Default) => (typeof value === 'number' ? String(value) : value.join(','));
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(
        Object.entries(defaults).map(([name, value]) => [name, { type: 'string' as const, default: shown(value) }]),
      ),
      help: { type: 'boolean' as const },
    },
  });
  if (values.help) {
    process.stdout.write(
      `usage: tickflow bench ${script} -- ${Object.entries(defaults)
        .map(([name, value]) => `[--${name} ${shown(value)}]`)
        .join(' ')}\n`,
    );
    process.exit(0);
  }
  const parsed: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(defaults)) {
    const text = String((values as Record<string, unknown>)[name]);
    const numbers = text.split(',').map(Number);
    if (numbers.some((n) => !(Number.isFinite(n) && n > 0)) || (typeof value === 'number' && numbers.length !== 1)) {
      process.stderr.write(
        `bench ${script}: --${name} must be ${typeof value === 'number' ? 'a positive number' : 'positive numbers separated by commas'} (got "${text}")\n`,
      );
      process.exit(2);
    }
    parsed[name] = typeof value === 'number' ? numbers[0]! : numbers;
  }
  return parsed as Parsed<T>;
}
