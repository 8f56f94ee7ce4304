// Unit and integration tests of every workspace, plus the Kubernetes policy
// tests. Integration tests use the real MariaDB (TEST_DATABASE_URL), each suite
// in fresh databases it creates and drops. The e2e tier has its own config.
/** @type {import('jest').Config} */
const base = {
  preset: "ts-jest",
  testEnvironment: "node",
  // Resolve workspace packages to their TypeScript sources, as tsx does in dev.
  moduleNameMapper: { "^@gacha/(proto|runtime|migrate|testing)$": "<rootDir>/packages/$1/src" },
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json", diagnostics: { warnOnly: false } }] },
};
module.exports = {
  ...base,
  testMatch: ["<rootDir>/{packages,services,k8s,scripts}/**/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/e2e/", "/container/"],
  maxWorkers: 2,
  testTimeout: 30_000,
};
module.exports.base = base;
