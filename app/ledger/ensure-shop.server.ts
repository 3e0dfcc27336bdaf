import type { Db } from "../db/connect.server";
import { requireKey } from "./validate";

/**
 * The shop's row and its zero balance, created once however many installs or requests race. Read first:
 * it runs on every page view, and an upsert would write (and bump updatedAt) each time.
 */
export async function ensureShop(db: Db, domain: string) {
  requireKey("shop", domain);
  const existing = await db.shop.findUnique({ where: { domain } });
  if (existing) return existing;
  try {
    return await db.shop.create({ data: { domain, balance: { create: {} } } });
  } catch (error) {
    // Two first requests raced to create the row: the loser reads the winner's.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return db.shop.findUniqueOrThrow({ where: { domain } });
  }
}
