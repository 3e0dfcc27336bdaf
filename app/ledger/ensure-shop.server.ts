import type { Db } from "../db/connect.server";
import { requireKey } from "./validate";

/** The shop's row and its zero balance, created once however many installs or requests race. */
export async function ensureShop(db: Db, domain: string) {
  requireKey("shop", domain);
  try {
    return await db.shop.upsert({
      where: { domain },
      create: { domain, balance: { create: {} } },
      update: {},
    });
  } catch (error) {
    // Two first requests raced to create the row: the loser reads the winner's.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return db.shop.findUniqueOrThrow({ where: { domain } });
  }
}
