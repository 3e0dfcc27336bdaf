import type { Db } from "../db/connect.server";
import { ensureShop } from "../ledger/ensure-shop.server";
import { releaseReservation } from "../ledger/release-reservation.server";
import { ensureCurrentCycle } from "../billing/cycle.server";

/**
 * A shop that authenticates is installed. A reinstall keeps the cycle it was in (so uninstalling and
 * reinstalling never grants a second allowance) and its credits; its plan must be approved again.
 */
export async function recordInstall(db: Db, domain: string, now = new Date()) {
  const shop = await ensureShop(db, domain);
  if (shop.uninstalledAt) {
    await db.shop.update({ where: { id: shop.id }, data: { uninstalledAt: null, installedAt: now } });
  }
  return ensureCurrentCycle(db, shop.id, now);
}

/**
 * On app/uninstalled: open reservations are released (no action can finish now), subscriptions are
 * cancelled as Shopify cancels them, and the ledger is kept until shop/redact.
 */
export async function recordUninstall(db: Db, domain: string, now = new Date()) {
  const shop = await db.shop.findUnique({ where: { domain } });
  if (!shop) return;
  const pending = await db.reservation.findMany({
    where: { shopId: shop.id, status: "pending" },
    select: { idempotencyKey: true },
  });
  for (const { idempotencyKey } of pending)
    await releaseReservation(db, { shopId: shop.id, idempotencyKey }, now);
  await db.subscription.updateMany({
    where: {
      shopId: shop.id,
      status: { in: ["PENDING", "ACCEPTED", "ACTIVE", "FROZEN"] },
      observedAt: { lt: now },
    },
    data: { status: "CANCELLED", observedAt: now },
  });
  await db.shop.update({ where: { id: shop.id }, data: { uninstalledAt: now } });
}

/**
 * On shop/redact (48 hours after uninstall): erases everything the app holds for the shop. The shop row
 * cascades to its balance, grants, reservations, ledger entries and subscriptions; sessions and webhook
 * deliveries name the shop by domain, so they go by domain.
 */
export async function eraseShop(db: Db, domain: string) {
  await db.$transaction([
    db.session.deleteMany({ where: { shop: domain } }),
    db.webhookDelivery.deleteMany({ where: { shop: domain } }),
    db.shop.deleteMany({ where: { domain } }),
  ]);
}
