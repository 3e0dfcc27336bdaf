// The shop's time zone: ledger times, daily usage and date filters are in it. Read from Shopify once
// (shop.ianaTimezone) and kept in Shop.timezone.
import { usableTimezone } from "./locale";
import type { Db } from "../db/connect.server";

/**
 * The shop's time zone, read from Shopify once and kept in Shop.timezone. Read only while unknown: a zone
 * changes rarely, and a loader stays a read of our own database after the first visit.
 */
export async function ensureShopTimezone(
  db: Db,
  shop: { id: string; timezone: string | null },
  readFromShopify: () => Promise<string>,
): Promise<string> {
  if (shop.timezone) return usableTimezone(shop.timezone);
  let zone: string;
  try {
    zone = await readFromShopify();
  } catch (error) {
    // The ledger still shows, in UTC, and the next visit asks again.
    console.error("Reading the shop's time zone from Shopify failed", error);
    return "UTC";
  }
  if (usableTimezone(zone) !== zone) return "UTC";
  await db.shop.updateMany({ where: { id: shop.id, timezone: null }, data: { timezone: zone } });
  return zone;
}
