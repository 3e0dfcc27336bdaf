// The automation scheduler in this process: a recurring tick on the job queue (pg-boss's cron schedule on
// PostgreSQL, so one instance a minute takes it; a timer on SQLite), and one tick at start for the slots
// missed while the app was down. The tick itself is app/automations/scheduler.server.ts, safe on any number
// of instances (docs/decisions/009-automation-scheduler.md).
import type { AlertSenders } from "../alerts/low-balance.server";
import { tickAutomations } from "../automations/scheduler.server";
import type { Db } from "../db/connect.server";
import type { StartedJobQueue } from "./queue.server";

export const AUTOMATION_TICK = "automation-tick";
/** Due slots and queued runs one pass takes; a full pass is followed at once by another. */
const TICK_LIMIT = 500;
/** Passes one tick makes at most: 10,000 due at once are taken in one tick, more wait for the next. */
const MAX_PASSES = 20;

/** Ticks until nothing more is due now (bounded). */
export async function tickUntilCaughtUp(db: Db, queue: StartedJobQueue, senders: AlertSenders) {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const tick = await tickAutomations(db, { now: new Date(), queue, senders, limit: TICK_LIMIT });
    if (!tick.more) return;
  }
}

export function startAutomationScheduler(
  db: Db,
  queue: StartedJobQueue,
  senders: AlertSenders,
  everyMs = 60_000,
) {
  return queue.recurring(AUTOMATION_TICK, () => tickUntilCaughtUp(db, queue, senders), everyMs);
}
