// Test support: a sweeper in its own process, on the same database as the test, so a balance read can be
// raced by commits it does not control (on SQLite one process cannot, its driver is synchronous).
// Usage: sweeper-instance.testing.ts <url> <nowIso> <startAtMs>; prints the sweep's counts as JSON.
import { connectDb } from "../db/connect.server";
import { sweep } from "./sweep.server";

const [url, nowIso, startAt] = process.argv.slice(2) as [string, string, string];
const db = connectDb(url);
await db.shop.count(); // connected before the start line
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
console.log(JSON.stringify(await sweep(db, new Date(nowIso))));
await db.$disconnect();
