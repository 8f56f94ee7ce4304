// Component tests: jsdom + Testing Library; fetch is the only thing faked.
import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "jsdom",
      include: ["test/**/*.test.{ts,tsx}", "server/**/*.test.ts"],
      setupFiles: ["test/setup.ts"],
      restoreMocks: true,
    },
  }),
);
