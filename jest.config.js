// One jest run, seven projects: pure units, API over HTTP against the embedded database, small
// load tests and benchmarks, H5 end-to-end in headless Chromium, the weapp build rendered headlessly
// against the API (test/weapp, docs/weapp.md), the mini-program's component tests.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
]
const shared = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: {
    '^@mall/shared$': '<rootDir>/shared/src/index.ts',
    '^@mall/config$': '<rootDir>/config/src/index.ts',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
}

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{shared,config,server}/test/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'api',
      testMatch: ['<rootDir>/test/api/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/api-test-timeout.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'load',
      testMatch: ['<rootDir>/test/load/**/*.test.ts', '<rootDir>/test/chaos/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'bench',
      testMatch: ['<rootDir>/bench/**/*.bench.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // the embedded database and one Chromium for all the files (each opens its own context in it)
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'weapp',
      testMatch: ['<rootDir>/test/weapp/**/*.weapp.test.ts'],
      // The built mini-program is loaded as it is, never transformed.
      transformIgnorePatterns: ['/node_modules/', '/miniapp/dist/'],
      globalSetup: '<rootDir>/test/weapp/global-setup.ts',
      globalTeardown: '<rootDir>/test/weapp/global-teardown.ts',
    },
    ...(require('fs').existsSync(`${__dirname}/miniapp/jest.config.js`) ? ['<rootDir>/miniapp'] : []),
  ],
}
