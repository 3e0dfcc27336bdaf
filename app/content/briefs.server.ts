// Saved briefs, always read and written within one shop: another shop's brief id is not found.
import type { Brief } from "@prisma-generated/sqlite";
import type { BriefFields } from "../ai/provider";
import type { Db } from "../db/connect.server";
import { briefRowData } from "./brief";
import { ContentNotFound } from "./errors";

/** Creates a brief, or updates the shop's own brief `briefId`. */
export async function saveBrief(
  db: Db,
  shopId: string,
  fields: BriefFields,
  briefId?: string,
): Promise<Brief> {
  const data = briefRowData(fields);
  if (!briefId) return db.brief.create({ data: { ...data, shopId } });
  try {
    return await db.brief.update({ where: { id: briefId, shopId }, data });
  } catch (error) {
    // P2025: no row matched, which includes another shop's brief.
    if ((error as { code?: string }).code === "P2025") throw new ContentNotFound("brief");
    throw error;
  }
}

export async function findBrief(db: Db, shopId: string, briefId: string): Promise<Brief> {
  const brief = await db.brief.findFirst({ where: { id: briefId, shopId } });
  if (!brief) throw new ContentNotFound("brief");
  return brief;
}

/** The shop's briefs, the most recently changed first. */
export async function listBriefs(db: Db, shopId: string, { take = 50 }: { take?: number } = {}) {
  return db.brief.findMany({
    where: { shopId },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(1, Math.floor(take) || 50), 200),
  });
}
