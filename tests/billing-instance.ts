// A second app instance in its own process, for billing reconcile races: on SQLite only another process
// can race the test's (its driver is synchronous, so two connections in one process would block each
// other's event loop). Reaches Shopify (the emulator) with the shop's offline token from the app's session
// table, as unauthenticated.admin would. Usage:
//   billing-instance.ts <databaseUrl> <emulatorUrl> <shop> <claim|reconcile|job> <count> <startAtMs>
// Prints JSON: claim → { won }, reconcile → reconcileBilling's result, job → reconcileDueShops's outcomes.
import { ApiVersion } from "@shopify/shopify-api";
import { claimBillingCheck, reconcileBilling } from "../app/billing/reconcile.server";
import type { AdminGraphql } from "../app/shopify/admin-api.server";
import { connectDb, type Db } from "../app/db/connect.server";
import { reconcileDueShops } from "../app/jobs/billing-reconcile.server";
import { emulatorFetch } from "../tools/shopify-emulator";

const [url, emulatorUrl, shop, mode, count, startAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  "claim" | "reconcile" | "job",
  string,
  string,
];
const db = connectDb(url);
const shopifyFetch = emulatorFetch(emulatorUrl);

async function offlineGraphql(db: Db, domain: string): Promise<AdminGraphql> {
  const session = await db.session.findUniqueOrThrow({ where: { id: `offline_${domain}` } });
  return (query, options) =>
    shopifyFetch(`https://${domain}/admin/api/${ApiVersion.July26}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": session.accessToken },
      body: JSON.stringify({ query, variables: options?.variables }),
    });
}

const row = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
const graphql = await offlineGraphql(db, shop);
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
let result: unknown;
if (mode === "claim") {
  const claims = await Promise.all(Array.from({ length: Number(count) }, () => claimBillingCheck(db, row)));
  result = { won: claims.filter(Boolean).length };
} else if (mode === "reconcile") {
  result = await reconcileBilling(db, row.id, graphql);
} else {
  result = await reconcileDueShops(db, async (domain) => ({
    admin: { graphql: await offlineGraphql(db, domain) },
  }));
}
console.log(JSON.stringify(result));
await db.$disconnect();
