import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { envSchema, repoRoot } from './env-schema';

export const CONFIGURATION_DOC = path.join(repoRoot, 'docs', 'configuration.md');

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** A default as the reader should see it: paths under the checkout relative to it, lists as they are written. */
function shownDefault(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return `\`${text.startsWith(repoRoot) ? `<repo>${text.slice(repoRoot.length)}` : text}\``;
}

/** docs/configuration.md, from the schema's documentation of each variable. */
export function configurationMarkdown(variables: z.ZodObject = envSchema): string {
  const defaults = variables.parse({}) as Record<string, unknown>;
  const rows = Object.entries(variables.shape).map(([variable, schema]) => {
    const meta = schema.meta() as { description?: string; shownDefault?: string } | undefined;
    if (!meta?.description) throw new Error(`${variable}: no description in config/env-schema.ts`);
    const fallback =
      meta.shownDefault ?? (defaults[variable] === undefined ? undefined : shownDefault(defaults[variable]));
    if (fallback === undefined) throw new Error(`${variable}: optional without a shownDefault in config/env-schema.ts`);
    return `| \`${variable}\` | ${cell(fallback)} | ${cell(meta.description)} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from config/env-schema.ts by `npm run docs:config`: edit the schema, not this file. A test fails when it is stale. -->',
    '',
    'Every setting is an environment variable, validated when a process starts: a bad value is named',
    'in the error, with what is wrong and what was given.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
    'The browser tests also read `TICKFLOW_CHROMIUM` (default `/usr/bin/chromium`), the Chromium they drive.',
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(CONFIGURATION_DOC, configurationMarkdown());
  process.stdout.write(`wrote ${path.relative(process.cwd(), CONFIGURATION_DOC)}\n`);
}
