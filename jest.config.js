/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/event-store(|/.*)$': '<rootDir>/libs/event-store/src$1',
    '^@app/config(|/.*)$': '<rootDir>/libs/config/src$1',
    '^@app/domain(|/.*)$': '<rootDir>/libs/domain/src$1',
    '^@app/application(|/.*)$': '<rootDir>/libs/application/src$1',
    '^@app/projections(|/.*)$': '<rootDir>/libs/projections/src$1',
    '^@app/read-models(|/.*)$': '<rootDir>/libs/read-models/src$1',
    '^@app/metrics(|/.*)$': '<rootDir>/libs/metrics/src$1',
    '^@licensing/client$': '<rootDir>/libs/client/src',
    '^@app/signing(|/.*)$': '<rootDir>/libs/signing/src$1',
    '^@app/audit(|/.*)$': '<rootDir>/libs/audit/src$1',
    '^@app/access(|/.*)$': '<rootDir>/libs/access/src$1',
  },
  testTimeout: 60000,
};
