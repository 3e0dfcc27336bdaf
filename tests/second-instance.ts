// A second app instance in its own process: reserves credits on the same database as the test, so the
// locking is proven across connections and processes (one process cannot prove it on SQLite, whose
// driver is synchronous). Usage: second-instance.ts <url> <shopId> <count> <keyPrefix> <startAtMs>; prints JSON.
import { connectDb } from "../app/db/connect.server";
import { reserveCredits } from "../app/ledger/reserve-credits.server";

const [url, shopId, count, prefix, startAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const db = connectDb(url);
await db.shop.count(); // connected before the start line
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
const outcomes = await Promise.allSettled(
  Array.from({ length: Number(count) }, (_, i) =>
    reserveCredits(db, {
      shopId,
      idempotencyKey: `${prefix}-${i}`,
      actions: ["draft.generate"],
      actor: "automation:2",
    }),
  ),
);
const errors = outcomes.flatMap((o) =>
  o.status === "rejected" ? [(o.reason as { code?: string }).code ?? String(o.reason)] : [],
);
console.log(JSON.stringify({ succeeded: outcomes.length - errors.length, errors }));
await db.$disconnect();
