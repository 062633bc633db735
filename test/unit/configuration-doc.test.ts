import { readFileSync } from 'node:fs';
import { CONFIGURATION_DOC, configurationMarkdown } from '../../config/configuration-doc';
import { z } from 'zod';
import { repoRoot } from '../../config/env-schema';

describe('docs/configuration.md', () => {
  it('is what config/env-schema.ts generates (run `npm run docs:config` after changing a variable)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(configurationMarkdown());
  });

  it('refuses a variable without a description, or an optional one without a shown default', () => {
    expect(() => configurationMarkdown(z.object({ TICKFLOW_NEW: z.string().default('x') }))).toThrow(
      'TICKFLOW_NEW: no description',
    );
    expect(() =>
      configurationMarkdown(z.object({ TICKFLOW_NEW: z.string().optional().meta({ description: 'new' }) })),
    ).toThrow('TICKFLOW_NEW: optional without a shownDefault');
  });

  it('shows paths under the checkout relative to it and lists as written', () => {
    const markdown = configurationMarkdown(
      z.object({
        TICKFLOW_DIR: z.string().default(`${repoRoot}/x`).meta({ description: 'a | b' }),
        TICKFLOW_LIST: z
          .string()
          .default('1,2')
          .transform((t) => t.split(','))
          .meta({ description: 'list' }),
      }),
    );
    expect(markdown).toContain('| `TICKFLOW_DIR` | `<repo>/x` | a \\| b |');
    expect(markdown).toContain('| `TICKFLOW_LIST` | `1,2` | list |');
  });
});
