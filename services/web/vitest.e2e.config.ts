// End-to-end: real Chromium (Debian's, through playwright-core) against a
// running `npm run dev` at WEB_BASE_URL (scripts/e2e-web.sh).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
