// What the figures were measured on, printed with them.
import { cpus, loadavg } from "node:os";
import type { Db, Engine } from "../app/db/connect.server";

export function machine(): string {
  const cores = cpus();
  return `${cores.length} cores (${cores[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}`;
}

/** Other work on the machine skews every figure; the 1-minute load average says how much there was. */
export function loadAverage(): string {
  return loadavg()[0]?.toFixed(2) ?? "unknown";
}

export async function engineVersion(db: Db, engine: Engine): Promise<string> {
  const sql =
    engine === "sqlite" ? `SELECT sqlite_version() AS v` : `SELECT current_setting('server_version') AS v`;
  const [row] = await db.$queryRawUnsafe<{ v: string }[]>(sql);
  return `${engine === "sqlite" ? "SQLite" : "PostgreSQL"} ${row?.v ?? "unknown"}`;
}
