// End-to-end tier: supertest against a running gateway at E2E_BASE_URL
// (default http://localhost:8080): `npm run dev`, or skaffold's port-forward.
const base = require("./jest.base");
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/services/gateway/e2e/**/*.e2e.test.ts"],
  maxWorkers: 1,
  testTimeout: 30_000,
};
