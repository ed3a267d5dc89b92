// Unit tests for the miniapp's pure helpers and components (probe variant A):
// @tarojs/components is mapped to a tiny DOM mock; @tarojs/taro is mocked per test file, in one line over
// test/support/taro-mock.ts (jest.mock is hoisted only within its own file, and each file picks its options).
const path = require('path')

module.exports = {
  displayName: 'miniapp',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2019',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@tarojs/components$': '<rootDir>/test/__mocks__/tarojs-components.tsx',
    // Same resolution as the Taro config: shared ships TypeScript source.
    '^@mall/shared$': path.resolve(__dirname, '../shared/src/index.ts'),
    '\\.(css|less|scss|sass)$': '<rootDir>/test/__mocks__/style.js',
  },
  globals: {
    API_BASE: 'http://api.test',
    CHECKIN_TEMPLATE_ID: 'checkin-reminder-test',
    WEAPP_DEV_LOGIN: false,
    POINTS_PLUGIN_PROVIDER: '',
  },
  setupFilesAfterEnv: ['<rootDir>/test/jest-setup.ts'],
}
