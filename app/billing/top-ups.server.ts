import type { Db } from "../db/connect.server";
import { grantCredits } from "../ledger/grant-credits.server";
import { topUpPackByName } from "./plans";

/** A one-time purchase as read back from Shopify for this shop (never as the query string claims). */
export interface PurchaseState {
  id: string;
  name: string;
  status: string;
  test: boolean;
}

/**
 * Grants a top-up pack's credits once the purchase is ACTIVE: once, whether the return visit or the
 * webhook gets here first, or both at once (the grant is keyed by the purchase id).
 */
export async function grantTopUp(db: Db, shopId: string, purchase: PurchaseState, now = new Date()) {
  if (purchase.status !== "ACTIVE") return { granted: false as const, reason: purchase.status };
  const pack = topUpPackByName(purchase.name);
  if (!pack) return { granted: false as const, reason: `no top-up pack named ${purchase.name}` };
  const { grant, replayed } = await grantCredits(
    db,
    {
      shopId,
      sourceKey: `purchase:${purchase.id}`,
      kind: "top_up",
      credits: pack.credits,
      test: purchase.test,
      actor: "shopify",
      reference: purchase.id,
    },
    now,
  );
  return { granted: true as const, grant, replayed, pack };
}
