// The Activity Ledger's CSV export: every entry the page's filters match, streamed in keyset pages so the
// whole ledger is never in memory. Fetched by the page with App Bridge's fetch (the session token), as a
// plain link cannot carry it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ledgerCsv, parseLedgerQuery } from "../billing-page/ledger.server";
import { ensureShopTimezone } from "../shops/timezone.server";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { readShopTimezone } from "../shopify/admin-api.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const query = parseLedgerQuery(new URL(request.url).searchParams);
    if (!query.ok)
      throw httpError(400, "Those filters could not be read", { fieldErrors: query.fieldErrors });
    const shop = await requireShop(db, session.shop);
    const timeZone = await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const body = ledgerCsv(db, shop.id, { filters: query.filters, timeZone });
    const day = new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short" }).format(new Date());
    const name = `${shop.domain.replace(/\.myshopify\.com$/, "")}-activity-${day}.csv`;
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
      },
    });
  });
};
