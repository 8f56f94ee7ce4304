// Container tier: builds the real images with podman and runs them the way the
// dev overlay and skaffold dev do (scripts/test-containers.sh). Serial: the
// suites share one podman and a 2-core machine; builds take minutes when cold.
const base = require("./jest.base");
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/test/container/**/*.test.ts"],
  maxWorkers: 1,
  testTimeout: 120_000,
  slowTestThreshold: 60,
};
