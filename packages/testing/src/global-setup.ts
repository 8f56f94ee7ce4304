// jest globalSetup (jest.config.js): picks the integration tests' MySQL server once per run and
// hands it to the workers through TEST_DATABASE_URL (they start after this and inherit it).
import { resolveTestServer, TestServerError } from "./test-server";

export default async function globalSetup(): Promise<void> {
  try {
    const server = await resolveTestServer();
    process.env.TEST_DATABASE_URL = server.url;
    (globalThis as { __testServer?: typeof server }).__testServer = server;
  } catch (err) {
    if (!(err instanceof TestServerError)) throw err;
    // one sentence, not jest's report of a failed globalSetup with its stack
    console.error(`\n${err.message}`);
    process.exit(1);
  }
}
