// An automation's runs as the run log shows them, and what its runs spent: the credits captured by saved
// runs in the shop's calendar month (the budget's measure). Every read is scoped by shop.
import type { AutomationRun } from "@prisma-generated/sqlite";
import { ContentNotFound, InvalidContent } from "../content/errors";
import type { Db } from "../db/connect.server";
import { localMonth } from "./calendar.server";
import type { RunStatus, RunView } from "./types";

export const RUN_PAGE_SIZE = 20;
const MAX_RUN_PAGE = 100;

export function runView(run: AutomationRun): RunView {
  return {
    id: run.id,
    slot: run.slot.toISOString(),
    status: run.status as RunStatus,
    reason: run.reason,
    topic: run.topic,
    draftId: run.draftId,
    articleId: run.articleId,
    credits: run.credits,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** Credits captured this calendar month (shop time zone) by each automation's saved runs. */
export async function spentThisMonth(
  db: Db,
  automationIds: string[],
  timeZone: string,
  now: Date,
): Promise<Map<string, number>> {
  if (automationIds.length === 0) return new Map();
  const month = localMonth(timeZone, now);
  const sums = await db.automationRun.groupBy({
    by: ["automationId"],
    where: {
      automationId: { in: automationIds },
      status: "saved",
      finishedAt: { gte: month.start, lt: month.end },
    },
    _sum: { credits: true },
  });
  return new Map(sums.map((row) => [row.automationId, row._sum.credits ?? 0]));
}

/**
 * The run log, newest slot first, `take` at a time; `before` (a slot, ISO) pages on. Another shop's
 * automation is not found.
 */
export async function listRuns(
  db: Db,
  shopId: string,
  automationId: string,
  { before, take = RUN_PAGE_SIZE }: { before?: string; take?: number } = {},
): Promise<RunView[]> {
  const automation = await db.automation.findFirst({
    where: { id: automationId, shopId },
    select: { id: true },
  });
  if (!automation) throw new ContentNotFound("automation");
  if (before !== undefined && Number.isNaN(Date.parse(before)))
    throw new InvalidContent({ before: "The page of the run log is out of date; reload it" });
  const runs = await db.automationRun.findMany({
    where: { automationId, shopId, ...(before !== undefined ? { slot: { lt: new Date(before) } } : {}) },
    orderBy: { slot: "desc" },
    take: Math.min(Math.max(1, Math.floor(take)), MAX_RUN_PAGE),
  });
  return runs.map(runView);
}
