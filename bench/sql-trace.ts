// Prints the SQL one draw sends to MariaDB (the general log, for a few
// hundred milliseconds around a single POST /draw): the list bench/db-floor.ts
// replays. Needs the SUPER privilege (root on the local server).
import { adminQuery, createBenchDatabases } from "./lib/databases";
import { createPoster } from "./lib/http-client";
import { startStack } from "./lib/services";

async function main(): Promise<void> {
  const dbs = await createBenchDatabases("trace");
  const stack = await startStack(dbs, { RELAY_INTERVAL_MS: "600000" });
  try {
    const post = createPoster(stack.gatewayPort, 1);
    const { bearer } = await stack.signIn();
    const signedIn = { authorization: bearer };
    await post("/draw", {}, signedIn); // warm the pools: connection setup is not per draw
    const previous = (await adminQuery("SELECT @@general_log AS on_, @@log_output AS output")) as {
      on_: number;
      output: string;
    }[];
    await adminQuery("SET GLOBAL log_output = 'TABLE'");
    await adminQuery("TRUNCATE mysql.general_log");
    await adminQuery("SET GLOBAL general_log = 1");
    const count = Number(process.env.TRACE_COUNT ?? 1);
    const res = await post("/draw", { count }, signedIn);
    await new Promise((r) => setTimeout(r, 300)); // the outbox UPDATE follows the reply
    await adminQuery("SET GLOBAL general_log = 0");
    await adminQuery(`SET GLOBAL log_output = '${previous[0]?.output ?? "FILE"}'`);
    if (previous[0]?.on_) await adminQuery("SET GLOBAL general_log = 1");
    console.log(`POST /draw count=${count} → ${res.status}`);
    const rows = (await adminQuery(
      "SELECT thread_id, command_type, CONVERT(argument USING utf8mb4) AS sql_text FROM mysql.general_log ORDER BY event_time",
    )) as { thread_id: number; command_type: string; sql_text: string }[];
    // Keep only the services' connections: those that touched the draw tables
    // (the server may be shared with other clients).
    const threads = new Set<number>();
    for (const r of rows)
      if (/`?\b(draws|histories|outbox|grants|inventories)\b`?/.test(r.sql_text)) threads.add(r.thread_id);
    for (const r of rows) {
      if (!threads.has(r.thread_id)) continue;
      console.log(`[thread ${r.thread_id}] ${r.command_type}: ${r.sql_text.replace(/\s+/g, " ").slice(0, 300)}`);
    }
  } finally {
    await stack.stop();
    await dbs.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
