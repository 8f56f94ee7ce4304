// The database floor of a draw: the statements one draw (count 1) sends, as
// listed by bench/sql-trace.ts, issued straight through the mariadb driver at
// the same concurrency, one round trip per statement (text protocol):
//   gacha:  BEGIN; INSERT draws; INSERT histories; INSERT outbox; COMMIT
//   item:   BEGIN; INSERT IGNORE grants; INSERT inventories … ON DUPLICATE KEY UPDATE; COMMIT
//   gacha:  UPDATE outbox SET delivered_at (the inline delivery's bookkeeping)
// No gRPC, HTTP, Prisma or JSON: what the services add is the gap to this.
import { randomUUID } from "node:crypto";
import mariadb, { type Pool, type PoolConnection } from "mariadb";
import { parseDatabaseUrl } from "@gacha/database";
import { createBenchDatabases } from "./lib/databases";
import { printTable, runLoad, settings, type LoadResult } from "./lib/load";

const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10); // the services' default pool size

export async function dbFloor(concurrencies = settings.concurrencies): Promise<LoadResult[]> {
  const dbs = await createBenchDatabases("floor");
  const pool = (url: string) =>
    mariadb.createPool({
      ...parseDatabaseUrl(url),
      connectionLimit: POOL_SIZE,
      acquireTimeout: 10_000,
      initSql: "SET time_zone = '+00:00'",
    });
  const gacha = pool(dbs.gachaUrl);
  const item = pool(dbs.itemUrl);
  const results: LoadResult[] = [];
  try {
    const op = async (): Promise<boolean> => {
      const drawId = randomUUID();
      const userId = 1 + Math.floor(Math.random() * 10_000);
      const itemId = 1 + Math.floor(Math.random() * 12);
      const now = new Date();
      await withTx(gacha, async (c) => {
        await c.query(
          "INSERT INTO `draws` (`id`,`user_id`,`count`,`idempotency_key`,`request_hash`,`created_at`) VALUES (?,?,?,?,?,?)",
          [drawId, userId, 1, null, "0".repeat(64), now],
        );
        await c.query(
          "INSERT INTO `histories` (`draw_id`,`item_index`,`user_id`,`item_id`,`item_name`,`rarity`,`created_at`) VALUES (?,?,?,?,?,?,?)",
          [drawId, 0, userId, itemId, "Goblin", "N", now],
        );
        await c.query(
          "INSERT INTO `outbox` (`draw_id`,`item_index`,`user_id`,`item_id`,`item_name`,`rarity`,`attempts`,`next_attempt_at`,`created_at`) VALUES (?,?,?,?,?,?,?,?,?)",
          [drawId, 0, userId, itemId, "Goblin", "N", 0, new Date(Date.now() + 5_000), now],
        );
      });
      await withTx(item, async (c) => {
        await c.query("INSERT IGNORE INTO grants (draw_id, item_index, user_id, item_id) VALUES (?, ?, ?, ?)", [
          drawId,
          0,
          userId,
          itemId,
        ]);
        await c.query(
          "INSERT INTO inventories (user_id, item_id, item_name, rarity, count, updated_at) VALUES (?, ?, ?, ?, 1, NOW(3)) ON DUPLICATE KEY UPDATE count = count + 1, item_name = ?, rarity = ?, updated_at = NOW(3)",
          [userId, itemId, "Goblin", "N", "Goblin", "N"],
        );
      });
      await gacha.query(
        "UPDATE outbox SET delivered_at = NOW(3) WHERE draw_id = ? AND item_index IN (?) AND delivered_at IS NULL",
        [drawId, 0],
      );
      return true;
    };
    for (const concurrency of concurrencies) {
      results.push(
        await runLoad({
          concurrency,
          warmupMs: settings.warmupSeconds * 1000,
          durationMs: settings.seconds * 1000,
          op,
        }),
      );
    }
  } finally {
    await Promise.all([gacha.end(), item.end()]);
    await dbs.drop();
  }
  return results;
}

async function withTx(pool: Pool, fn: (c: PoolConnection) => Promise<void>): Promise<void> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await fn(conn);
    await conn.commit();
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    await conn.release();
  }
}

if (require.main === module) {
  dbFloor()
    .then((rows) =>
      printTable(`database floor (mariadb driver, pool ${POOL_SIZE} per database), ${settings.seconds} s each`, rows),
    )
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
