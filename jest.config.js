// Unit and integration tests of every workspace, plus the Kubernetes policy
// tests. Integration tests use the real MariaDB (TEST_DATABASE_URL), each suite
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
  maxWorkers: 2,
  testTimeout: 30_000,
};
