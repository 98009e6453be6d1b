/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }];
// jose 6 ships only as ES modules; jest runs CommonJS, so its files are compiled like ours. So is the PDF.js
// bundle of unpdf, the text extractor of the documents package's tests.
const esm = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } },
];
const common = {
  transform: {
    '^.+\\.ts$': swc,
    '/node_modules/\\.pnpm/jose@[^/]+/node_modules/jose/.+\\.js$': esm,
    '/node_modules/\\.pnpm/unpdf@[^/]+/node_modules/unpdf/dist/pdfjs\\.mjs$': esm,
  },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/(jose|unpdf)@[^/]+/node_modules/)?(jose|unpdf)/)'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // A dynamic import names its TypeScript module `./x.js`, as Node's ESM rules want (tsx maps it to x.ts).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
module.exports = {
  globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
  // Two cores: keep integration files from fighting over them.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  // Integration tests start servers and processes; a unit test never comes near this.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/src/**/*.spec.ts', '<rootDir>/services/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/packages/*/test/**/*.test.ts',
        '<rootDir>/services/*/test/**/*.test.ts',
        '<rootDir>/test/**/*.test.ts',
      ],
    },
  ],
};
