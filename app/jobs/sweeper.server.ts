import type { Db } from "../db/connect.server";
import { sweep } from "../ledger/sweep.server";
import { offlineAdmin, type OfflineAdmin } from "../shopify/offline-admin.server";
import { reconcileDueShops } from "./billing-reconcile.server";

declare global {
  // One sweeper per process, across dev-server reloads.
  var sweeperTimer: NodeJS.Timeout | undefined;
}

/**
 * Every minute: releases timed-out reservations and expires ended grants, then reads billing back for a
 * bounded number of shops whose check is due (lost webhooks). Every instance runs one: sweep() re-checks
 * each item under its shop's lock and each shop's billing check is claimed once, so instances working at
 * once settle each item once. A tick still running when the next is due makes that one skip.
 */
export function startSweeper(db: Db, everyMs = 60_000, admin: OfflineAdmin = offlineAdmin) {
  if (global.sweeperTimer) return;
  let running = false;
  global.sweeperTimer = setInterval(() => {
    if (running) return;
    running = true;
    void sweep(db)
      .catch((error: unknown) => console.error("credit sweep failed", error))
      .then(() => reconcileDueShops(db, admin))
      .catch((error: unknown) => console.error("billing reconcile job failed", error))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  // Never keeps a process alive on its own (tests, scripts).
  global.sweeperTimer.unref();
}
