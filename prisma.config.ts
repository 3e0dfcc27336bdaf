// The Prisma CLI cannot download its native schema engine here, so it runs the Wasm engine shipped inside
// the prisma package. It needs a driver adapter to start; schema diffs (all we ask of the CLI, see
// docs/decisions/002-prisma-offline.md) never touch this in-memory database.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () => new PrismaBetterSQLite3({ url: ":memory:" }),
});
