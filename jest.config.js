// Unit and integration tests of every workspace, plus the Kubernetes policy
// tests. Integration tests use a real MySQL/MariaDB (TEST_DATABASE_URL), each suite
// in fresh databases it creates and drops. The e2e tier has its own config.
/** @type {import('jest').Config} */
module.exports = {
  ...require("./jest.base"),
  testMatch: [
    "<rootDir>/{packages,services,k8s,scripts}/**/test/**/*.test.ts",
    "<rootDir>/test/faults/**/*.test.ts",
    "<rootDir>/test/repo/**/*.test.ts",
  ],
  // services/web is an ESM/DOM package: its tests run under Vitest (scripts/test-web.sh)
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "<rootDir>/services/web/"],
  // The integration tests' server: TEST_DATABASE_URL or 127.0.0.1:3306 when it answers, else a
  // MySQL container through Testcontainers, else one sentence saying what to install or set.
  globalSetup: "<rootDir>/packages/testing/src/global-setup.ts",
  globalTeardown: "<rootDir>/packages/testing/src/global-teardown.ts",
  maxWorkers: 2,
  testTimeout: 30_000,
};
