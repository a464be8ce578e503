// Tests run through SWC (fast, no type check: `npm run typecheck` does that). NestJS 12 ships as ES modules and
// Jest on Node 20 cannot require(esm), so the few ESM-only packages are transformed to CommonJS as well.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const esmPackages = ['@nestjs', 'commander', 'uid', 'load-esm', '@lukeed', 'file-type', 'strtok3', 'token-types', 'iterare'];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec|fault-spec)\\.ts$',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: { '^@sched/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testTimeout: 30000,
  // it.concurrent: files whose tests mostly wait (for fires, sleeps, backoffs) run them all side by side.
  maxConcurrency: 10,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
