// The floor the service is measured against: the same reserve+capture as hand-written SQL on the same
// driver and database. Each step is one transaction of a guarded balance UPDATE plus one INSERT — a
// reservation row for the hold, a ledger entry for the debit — on the migrated schema's real tables.
import type { Engine } from "../app/db/connect.server";
import { openBarePostgres } from "./bare-postgres";
import { openBareSqlite } from "./bare-sqlite";

/** BEGIN, the guarded UPDATE, the INSERT, COMMIT. */
export const BARE_STATEMENTS_PER_STEP = 4;

export interface BareSql {
  reserveCapture(shopId: string): Promise<void>;
  close(): Promise<void>;
}

export function openBareSql(engine: Engine, url: string): BareSql {
  return engine === "sqlite" ? openBareSqlite(url) : openBarePostgres(url);
}
