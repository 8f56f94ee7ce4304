// jest globalTeardown (jest.config.js): removes the Testcontainers MySQL, if globalSetup started one.
import type { TestServer } from "./test-server";

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __testServer?: TestServer }).__testServer;
  await server?.container?.stop();
}
