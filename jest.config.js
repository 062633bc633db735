// Unit tests run on pure code; integration tests share one real local stack (test/integration/global-setup.ts).
// Types are checked by `tsc --noEmit` in `npm test`; jest only transpiles (swc), including ESM-only trading-signals.
const transform = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
  ],
};
const common = { transform, transformIgnorePatterns: ['/node_modules/(?!trading-signals/)'], testEnvironment: 'node' };

/** @type {import('jest').Config} */
module.exports = {
  // Integration hooks wait on a real pipeline; pure unit tests finish in milliseconds regardless.
  testTimeout: 300_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Workflow decisions with mocked activities, on a dev server of their own (the installed Temporal CLI).
    { ...common, displayName: 'workflows', testMatch: ['<rootDir>/test/workflows/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
