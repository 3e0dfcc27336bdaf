#!/usr/bin/env node
// Prisma without engine downloads (docs/decisions/002-prisma-offline.md).
//   schemas            write prisma/postgres/schema.prisma from prisma/schema.prisma
//   generate           schemas + generate the SQLite and PostgreSQL clients
//   migrate deploy     apply pending migrations to DATABASE_URL (file: → SQLite, postgres: → PostgreSQL)
//   sql ENGINE         print the SQL that builds the current schema from nothing on ENGINE (sqlite|postgres)
//   migrate draft NAME [--from OLD_SCHEMA]
//                      write NAME's migration.sql for both engines: the diff from OLD_SCHEMA (the SQLite
//                      schema as it was, e.g. `git show HEAD:prisma/schema.prisma > /tmp/old.prisma`;
//                      empty when omitted) to prisma/schema.prisma
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, ENGINES, engineFor, postgresSchemaFrom } from "./migrations.mjs";

const root = new URL("..", import.meta.url).pathname;

function writePostgresSchema() {
  const sqlite = readFileSync(join(root, ENGINES.sqlite.schema), "utf8");
  writeFileSync(join(root, ENGINES.postgres.schema), postgresSchemaFrom(sqlite));
}

// The CLI insists on a schema-engine path even for commands that never start it (docs/platform-notes.md).
function prismaCli(args, options = {}) {
  const standIn = join(mkdtempSync(join(tmpdir(), "prisma-")), "schema-engine");
  writeFileSync(standIn, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  return execFileSync(join(root, "node_modules/.bin/prisma"), args, {
    cwd: root,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: standIn,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      // An unset DATABASE_URL, or one whose scheme differs from the schema's provider (generate) or the
      // config's adapter (diff), sends the CLI off to download the query engine.
      DATABASE_URL: options.databaseUrl ?? "file:./prisma/unused.db",
    },
    stdio: ["ignore", options.capture ? "pipe" : "inherit", "inherit"],
    encoding: "utf8",
  });
}

function draft(name, from) {
  if (!/^[a-z0-9_]+$/.test(name ?? "")) throw new Error("migration name: lower-case letters, digits, _");
  writePostgresSchema();
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const tmp = mkdtempSync(join(tmpdir(), "draft-"));
  for (const engine of Object.values(ENGINES)) {
    const fromArgs = from ? ["--from-schema-datamodel", schemaFor(engine, from, tmp)] : ["--from-empty"];
    const sql = prismaCli(
      ["migrate", "diff", ...fromArgs, "--to-schema-datamodel", engine.schema, "--script"],
      { capture: true },
    );
    const dir = join(root, engine.migrations, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    console.log(`wrote ${dir}/migration.sql`);
  }
}

function schemaFor(engine, sqliteSchemaFile, tmp) {
  if (engine === ENGINES.sqlite) return sqliteSchemaFile;
  const file = join(tmp, "old-postgres.prisma");
  writeFileSync(file, postgresSchemaFrom(readFileSync(sqliteSchemaFile, "utf8")));
  return file;
}

const [command, sub, ...rest] = process.argv.slice(2);
if (command === "schemas") {
  writePostgresSchema();
} else if (command === "generate") {
  writePostgresSchema();
  for (const engine of Object.values(ENGINES))
    prismaCli(["generate", "--schema", engine.schema], {
      databaseUrl: engine === ENGINES.postgres ? "postgresql://localhost/unused" : undefined,
    });
} else if (command === "sql" && ENGINES[sub]) {
  writePostgresSchema();
  const engine = ENGINES[sub];
  const sql = prismaCli(
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", engine.schema, "--script"],
    { capture: true },
  );
  process.stdout.write(sql);
} else if (command === "migrate" && sub === "deploy") {
  const url = process.env.DATABASE_URL ?? "file:./prisma/dev.db";
  const applied = await applyMigrations(url);
  console.log(`${engineFor(url).name}: ${applied.length} migration(s) applied`);
} else if (command === "migrate" && sub === "draft") {
  const fromIndex = rest.indexOf("--from");
  draft(rest[0], fromIndex >= 0 ? rest[fromIndex + 1] : undefined);
} else {
  console.error(
    "usage: prisma.mjs schemas | generate | sql ENGINE | migrate deploy | migrate draft NAME [--from OLD]",
  );
  process.exit(2);
}
