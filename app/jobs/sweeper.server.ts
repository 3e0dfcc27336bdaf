import type { Db } from "../db/connect.server";
import { sweep } from "../ledger/sweep.server";

declare global {
  // One sweeper per process, across dev-server reloads.
  var sweeperTimer: NodeJS.Timeout | undefined;
}

/**
 * Releases timed-out reservations and expires ended grants every minute. Every instance runs one: sweep()
 * re-checks each item under its shop's lock, so instances sweeping at once settle each item once.
 */
export function startSweeper(db: Db, everyMs = 60_000) {
  if (global.sweeperTimer) return;
  global.sweeperTimer = setInterval(() => {
    sweep(db).catch((error: unknown) => console.error("credit sweep failed", error));
  }, everyMs);
  // Never keeps a process alive on its own (tests, scripts).
  global.sweeperTimer.unref();
}
