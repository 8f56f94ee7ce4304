// Cluster tier: the real Skaffold and kubectl against a real Kubernetes
// (scripts/test-cluster.sh; docs/cluster.md). Serial: every file deploys the
// system into a namespace of its own, and a deploy uses both cores.
const base = require("./jest.base");
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/test/cluster/**/*.test.ts"],
  maxWorkers: 1,
  testTimeout: 25 * 60_000,
  slowTestThreshold: 120,
};
