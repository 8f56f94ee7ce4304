// The dev cluster runs mysql:8.4 and the tests run on MariaDB 10.11, so the
// project's SQL must mean the same on both, without warnings on either
// (docs/mysql-mariadb.md). A test against MariaDB cannot see MySQL's
// deprecation warnings, so this reads the SQL in the sources instead.
import fs from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../../..");
// Where the project keeps SQL: services, shared packages, migrations, benches, test tiers.
const ROOTS = ["services", "packages", "prisma", "bench", "test", "scripts"];
const SKIP_DIRS = new Set(["node_modules", "dist", "generated", "gen", "coverage"]);
const EXTENSIONS = /\.(ts|js|mjs|cjs|sql)$/;

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : sourceFiles(full);
    return EXTENSIONS.test(entry.name) && full !== __filename ? [full] : [];
  });
}

interface Finding {
  construct: string;
  excerpt: string;
}

// Each construct one of the two servers rejects, or MySQL 8.4 deprecates.
const NOT_PORTABLE: Array<{ construct: string; find: (sql: string) => string[] }> = [
  {
    // Deprecated by MySQL 8.0.20; bind the value again instead.
    construct: "VALUES() inside ON DUPLICATE KEY UPDATE",
    find: (text) => updateClauses(text).filter((clause) => /\bVALUES\s*\(/i.test(clause)),
  },
  {
    // MySQL's replacement for VALUES(): a syntax error on MariaDB.
    construct: "a row alias (INSERT ... AS new)",
    find: (text) => text.match(/\bVALUES\s*\([^)]*\)\s+AS\s+\w+/gi) ?? [],
  },
  {
    // MariaDB only: MySQL has no INSERT/DELETE ... RETURNING.
    construct: "RETURNING",
    find: (text) => text.match(/\b(INSERT|DELETE|REPLACE)\b[^`"]*\bRETURNING\b/g) ?? [],
  },
  {
    // MySQL only: MariaDB 10.11 has no 0900 collations.
    construct: "a utf8mb4_0900 collation",
    find: (text) => text.match(/utf8mb4_0900_\w+/gi) ?? [],
  },
  {
    // Deprecated by MySQL 8.0.17.
    construct: "SQL_CALC_FOUND_ROWS / FOUND_ROWS()",
    find: (text) => text.match(/\bSQL_CALC_FOUND_ROWS\b|\bFOUND_ROWS\s*\(/gi) ?? [],
  },
  {
    // Removed in MySQL 8.0; transaction_isolation works on both.
    construct: "tx_isolation",
    find: (text) => text.match(/@@(session\.|global\.)?tx_isolation\b|\btx_isolation\s*=/gi) ?? [],
  },
];

/** The text of each ON DUPLICATE KEY UPDATE clause, up to the end of its string literal. */
function updateClauses(text: string): string[] {
  return [...text.matchAll(/ON\s+DUPLICATE\s+KEY\s+UPDATE([^`"]*)/gi)].map((m) => m[1] ?? "");
}

function findNonPortable(text: string): Finding[] {
  return NOT_PORTABLE.flatMap(({ construct, find }) =>
    find(text).map((excerpt) => ({ construct, excerpt: excerpt.replace(/\s+/g, " ").trim().slice(0, 120) })),
  );
}

describe("SQL that both MySQL 8.4 and MariaDB 10.11 accept without warnings", () => {
  it("when the sources are searched, then no SQL uses a construct only one of them accepts", () => {
    const files = ROOTS.flatMap((root) => sourceFiles(path.join(repoRoot, root)));
    expect(files.some((f) => f.endsWith(path.join("services", "item", "src", "inventory-repository.ts")))).toBe(true);
    const found = files.flatMap((file) =>
      findNonPortable(fs.readFileSync(file, "utf8")).map(
        (f) => `${path.relative(repoRoot, file)}: ${f.construct}: ${f.excerpt}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("when the item upsert is read, then its ON DUPLICATE KEY UPDATE binds name and rarity again", () => {
    const text = fs.readFileSync(path.join(repoRoot, "services/item/src/inventory-repository.ts"), "utf8");
    const clauses = updateClauses(text);
    expect(clauses).toHaveLength(1);
    expect(clauses[0]).toMatch(/item_name = \$\{g\.itemName\}/);
    expect(clauses[0]).toMatch(/rarity = \$\{g\.rarity\}/);
  });

  it.each([
    [
      "VALUES() in a template literal",
      "sql`INSERT INTO t (a) VALUES (${a}) ON DUPLICATE KEY UPDATE a = VALUES(a)`",
      "VALUES() inside ON DUPLICATE KEY UPDATE",
    ],
    [
      "VALUES () in a string, lower case",
      '"insert into t (a) values (?) on duplicate key update a = values (a)"',
      "VALUES() inside ON DUPLICATE KEY UPDATE",
    ],
    [
      "a row alias",
      "sql`INSERT INTO t (a) VALUES (${a}) AS new ON DUPLICATE KEY UPDATE a = new.a`",
      "a row alias (INSERT ... AS new)",
    ],
    ["RETURNING", "sql`INSERT INTO t (a) VALUES (1) RETURNING id`", "RETURNING"],
    ["a 0900 collation", "CREATE DATABASE x COLLATE utf8mb4_0900_ai_ci", "a utf8mb4_0900 collation"],
    ["tx_isolation", 'query("SELECT @@tx_isolation")', "tx_isolation"],
  ])("when a source holds %s, then the search reports it", (_case, text, construct) => {
    expect(findNonPortable(text).map((f) => f.construct)).toEqual([construct]);
  });

  it("when VALUES() appears only in the INSERT's own value list, then nothing is reported", () => {
    expect(findNonPortable("sql`INSERT INTO t (a) VALUES (${a}) ON DUPLICATE KEY UPDATE a = ${a}, n = n + 1`")).toEqual(
      [],
    );
  });
});
