// Compares what a Prisma schema declares with what the migrations actually
// built in a database, both reduced to the same plain shape. Used by the drift
// test: prisma migrate dev/diff cannot run offline, so nothing else would catch
// a schema.prisma edit without a migration (or the reverse).
import { getDMMF } from "@prisma/internals";

export interface ColumnShape {
  type: string; // MySQL column type as information_schema spells it, e.g. "bigint unsigned"
  nullable: boolean;
  autoIncrement: boolean;
}
export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  indexes: Record<string, { unique: boolean; columns: string[] }>; // by index name
}
export type SchemaShape = Record<string, TableShape>;

type Dmmf = Awaited<ReturnType<typeof getDMMF>>["datamodel"];
type DmmfField = Dmmf["models"][number]["fields"][number];

// Prisma scalar types without @db.*: Prisma's MySQL defaults.
const DEFAULT_TYPES: Record<string, string> = {
  String: "varchar(191)",
  Int: "int",
  BigInt: "bigint",
  Boolean: "tinyint(1)",
  Float: "double",
  Decimal: "decimal(65,30)",
  DateTime: "datetime(3)",
  Json: "json",
  Bytes: "longblob",
};
// @db.* native types; arguments are appended as "(a,b)" unless noted.
const NATIVE_TYPES: Record<string, string> = {
  UnsignedBigInt: "bigint unsigned",
  UnsignedInt: "int unsigned",
  UnsignedMediumInt: "mediumint unsigned",
  UnsignedSmallInt: "smallint unsigned",
  UnsignedTinyInt: "tinyint unsigned",
  BigInt: "bigint",
  Int: "int",
  MediumInt: "mediumint",
  SmallInt: "smallint",
  TinyInt: "tinyint",
  Char: "char",
  VarChar: "varchar",
  Text: "text",
  TinyText: "tinytext",
  MediumText: "mediumtext",
  LongText: "longtext",
  DateTime: "datetime",
  Timestamp: "timestamp",
  Date: "date",
  Time: "time",
  Decimal: "decimal",
  Double: "double",
  Float: "float",
  Json: "json",
  Binary: "binary",
  VarBinary: "varbinary",
  Bit: "bit",
  Year: "year",
};

function prismaColumnType(field: DmmfField, enums: Dmmf["enums"]): string {
  if (field.kind === "enum") {
    const values = enums.find((e) => e.name === field.type)!.values.map((v) => `'${v.dbName ?? v.name}'`);
    return `enum(${values.join(",")})`;
  }
  const native = field.nativeType as [string, string[]] | null | undefined;
  if (!native) return DEFAULT_TYPES[field.type] ?? `unknown Prisma type ${field.type}`;
  const [name, args] = native;
  const base = NATIVE_TYPES[name] ?? `unknown native type ${name}`;
  // "bigint unsigned" takes no arguments; "datetime(3)", "varchar(191)" do.
  return args.length ? `${base}(${args.join(",")})` : base;
}

/** The shape a Prisma schema (schema.prisma text) declares. */
export async function shapeFromPrismaSchema(datamodel: string): Promise<SchemaShape> {
  const { models, enums, indexes } = (await getDMMF({ datamodel })).datamodel;
  const shape: SchemaShape = {};
  for (const model of models) {
    const table = model.dbName ?? model.name;
    const column = (fieldName: string) => {
      const f = model.fields.find((x) => x.name === fieldName)!;
      return f.dbName ?? f.name;
    };
    const t: TableShape = { columns: {}, primaryKey: [], indexes: {} };
    for (const f of model.fields.filter((x) => x.kind === "scalar" || x.kind === "enum")) {
      t.columns[f.dbName ?? f.name] = {
        type: prismaColumnType(f, enums),
        nullable: !f.isRequired,
        autoIncrement: (f.default as { name?: string } | undefined)?.name === "autoincrement",
      };
    }
    for (const idx of indexes.filter((i) => i.model === model.name)) {
      const columns = idx.fields.map((f) => column(f.name));
      if (idx.type === "id") {
        t.primaryKey = columns;
      } else {
        // Prisma's default constraint names when no map: "..." is given.
        const suffix = idx.type === "unique" ? "key" : "idx";
        const name = idx.dbName ?? `${table}_${columns.join("_")}_${suffix}`;
        t.indexes[name] = { unique: idx.type === "unique", columns };
      }
    }
    shape[table] = t;
  }
  return shape;
}

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The shape the tables of `database` have (Prisma's bookkeeping table left out). */
export async function shapeFromDatabase(query: Query, database: string): Promise<SchemaShape> {
  const columns = await query<{ t: string; c: string; type: string; nullable: string; extra: string }>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations'
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const shape: SchemaShape = {};
  for (const col of columns) {
    const t = (shape[col.t] ??= { columns: {}, primaryKey: [], indexes: {} });
    t.columns[col.c] = {
      // MariaDB and MySQL 5.7 print integer display widths ("int(10) unsigned"); MySQL 8 does not.
      type: col.type.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1").replace(/, /g, ","),
      nullable: col.nullable === "YES",
      autoIncrement: /auto_increment/i.test(col.extra),
    };
  }
  const stats = await query<{ t: string; name: string; nonUnique: number | bigint; c: string }>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS c
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations'
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  for (const s of stats) {
    const t = shape[s.t]!;
    if (s.name === "PRIMARY") t.primaryKey.push(s.c);
    else (t.indexes[s.name] ??= { unique: Number(s.nonUnique) === 0, columns: [] }).columns.push(s.c);
  }
  return shape;
}

/** Every difference, one readable line each; empty when the two agree. */
export function diffShapes(prisma: SchemaShape, db: SchemaShape): string[] {
  const out: string[] = [];
  const names = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const table of names(prisma, db)) {
    const p = prisma[table];
    const d = db[table];
    if (!p || !d) {
      out.push(
        `table ${table}: ${p ? "in schema.prisma but not in the database" : "in the database but not in schema.prisma"}`,
      );
      continue;
    }
    for (const c of names(p.columns, d.columns)) {
      const pc = p.columns[c];
      const dc = d.columns[c];
      if (!pc || !dc)
        out.push(
          `column ${table}.${c}: ${pc ? "in schema.prisma but not in the database" : "in the database but not in schema.prisma"}`,
        );
      else if (JSON.stringify(pc) !== JSON.stringify(dc))
        out.push(`column ${table}.${c}: schema.prisma ${describe(pc)}, database ${describe(dc)}`);
    }
    if (p.primaryKey.join(",") !== d.primaryKey.join(",")) {
      out.push(`primary key of ${table}: schema.prisma (${p.primaryKey}), database (${d.primaryKey})`);
    }
    for (const i of names(p.indexes, d.indexes)) {
      const pi = p.indexes[i];
      const di = d.indexes[i];
      if (!pi || !di)
        out.push(
          `index ${table}.${i}: ${pi ? "in schema.prisma but not in the database" : "in the database but not in schema.prisma"}`,
        );
      else if (JSON.stringify(pi) !== JSON.stringify(di))
        out.push(`index ${table}.${i}: schema.prisma ${JSON.stringify(pi)}, database ${JSON.stringify(di)}`);
    }
  }
  return out;
}

const describe = (c: ColumnShape) =>
  `${c.type} ${c.nullable ? "NULL" : "NOT NULL"}${c.autoIncrement ? " AUTO_INCREMENT" : ""}`;
