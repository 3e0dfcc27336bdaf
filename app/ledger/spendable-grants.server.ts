import type { Tx } from "../db/connect.server";

/**
 * The shop's grants that can still be spent, in consumption order: credits that expire soonest first
 * (the monthly allowance and its upgrade top), then the rest oldest first (top-up packs, adjustments).
 */
export async function spendableGrants(tx: Tx, shopId: string, now: Date) {
  const grants = await tx.creditGrant.findMany({
    where: {
      shopId,
      remaining: { gt: 0 },
      expiredAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
  });
  const expiry = (date: Date | null) => date?.getTime() ?? Number.POSITIVE_INFINITY;
  return grants.sort(
    (a, b) =>
      expiry(a.expiresAt) - expiry(b.expiresAt) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  );
}
