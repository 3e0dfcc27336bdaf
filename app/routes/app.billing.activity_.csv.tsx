// The Activity Ledger's CSV export: every entry the page's filters match, streamed in keyset pages so the
// whole ledger is never in memory. Fetched by the page with App Bridge's fetch (the session token), as a
// plain link cannot carry it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import {
  ensureShopTimezone,
  ledgerPages,
  parseLedgerQuery,
  type LedgerRow,
} from "../billing-page/ledger.server";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { readShopTimezone } from "../shopify/admin-api.server";
import { authenticate } from "../shopify.server";

// Local time as a spreadsheet reads it ("2026-01-31 14:05:09"); the UTC instant beside it is unambiguous.
function localTime(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    dateStyle: "short",
    timeStyle: "medium",
  }).format(new Date(iso));
}

function csvCells(row: LedgerRow, timeZone: string) {
  return [
    localTime(row.createdAt, timeZone),
    row.createdAt,
    row.kind,
    row.what,
    row.link?.kind === "draft" ? row.link.title : "",
    row.credits,
    row.balanceAfter,
    row.who.name,
    row.test ? "yes" : "no",
    row.link ? (row.link.kind === "draft" ? `/app/drafts/${row.link.id}` : row.link.id) : "",
    row.id,
  ];
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const query = parseLedgerQuery(new URL(request.url).searchParams);
    if (!query.ok)
      throw httpError(400, "Those filters could not be read", { fieldErrors: query.fieldErrors });
    const shop = await requireShop(db, session.shop);
    const timeZone = await ensureShopTimezone(db, shop.id, () => readShopTimezone(admin.graphql));
    const header = [
      `Date and time (${timeZone})`,
      "UTC time",
      "Type",
      "What",
      "Draft",
      "Credits",
      "Balance after",
      "Who",
      "Test",
      "Link",
      "Entry",
    ];
    const pages = ledgerPages(db, shop.id, { filters: query.filters, timeZone });
    const encoder = new TextEncoder();
    let started = false;
    // Pulled: the next page is read only when the client has taken the last one.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await pages.next();
        const records = next.done ? [] : next.value.map((row) => csvCells(row, timeZone));
        if (!started || records.length) {
          controller.enqueue(
            encoder.encode(
              // Cells that start with = + - @ tab or CR get a leading ' (formula injection); numbers stay.
              stringify(started ? records : [header, ...records], {
                escape_formulas: true,
                record_delimiter: "windows",
              }),
            ),
          );
          started = true;
        }
        if (next.done) controller.close();
      },
      async cancel() {
        await pages.return(undefined);
      },
    });
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
