import path from "node:path";
import { defineConfig } from "prisma/config";

// The auth service's database. The URL comes from AUTH_DATABASE_URL, as in the
// service itself; the default is the local MariaDB that `npm run dev` uses.
export default defineConfig({
  schema: path.join(__dirname, "schema.prisma"),
  migrations: { path: path.join(__dirname, "migrations") },
  datasource: {
    url: process.env.AUTH_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/auth",
  },
});
