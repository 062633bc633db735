// Lint rules that catch bugs the type checker cannot: promises nobody awaits, promises passed
// where a plain callback is expected, and I/O reaching code that must stay deterministic.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Value imports that do I/O (types are fine): out of workflows (replayed, so deterministic) and domain (pure). */
const builtins = 'Node built-ins do I/O: keep them in activities, clients or store.';
const ioImports = {
  // By exact name: as a gitignore-style pattern, the built-in 'domain' would match '../domain/…'.
  paths: builtinModules.map((name) => ({ name, message: builtins, allowTypeImports: true })),
  patterns: [
    { group: ['node:*'], message: builtins },
    {
      group: [
        '@aws-sdk/*',
        '@temporalio/client',
        '@temporalio/worker',
        '@temporalio/activity',
        'pino',
        'hono',
        '@hono/*',
        'ws',
      ],
      message: 'An I/O package: call it from an activity.',
    },
    {
      group: ['**/store/*', '**/clients/*', '**/activities/*', '**/api/*', '**/cli/*'],
      message: 'An I/O module: call it from an activity.',
    },
  ].map((pattern) => ({ ...pattern, allowTypeImports: true })),
};

export default tseslint.config(
  { ignores: ['node_modules/', '.tickflow/', 'coverage/', 'infra/cdktf.out/', 'infra/state/', 'api/web/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', ioImports] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    // The plain-JS files are CommonJS (bin, jest config and reporter): require is how they import.
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
