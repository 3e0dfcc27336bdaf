// Shops funded for the whole run, so no measured op can fail on a short balance.
import { randomUUID } from "node:crypto";
import type { Db } from "../app/db/connect.server";
import { ensureShop, grantCredits } from "../app/ledger/index.server";

// The most one grant may carry (MAX_CREDITS); at 1 credit an op it outlasts any run on this machine.
const CREDITS_PER_SHOP = 1_000_000;

export async function fundedShops(db: Db, label: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const shop = await ensureShop(db, `${label}-${i}-${randomUUID().slice(0, 8)}.myshopify.com`);
    await grantCredits(db, {
      shopId: shop.id,
      sourceKey: `purchase:bench-${randomUUID()}`,
      kind: "top_up",
      credits: CREDITS_PER_SHOP,
    });
    ids.push(shop.id);
  }
  return ids;
}
