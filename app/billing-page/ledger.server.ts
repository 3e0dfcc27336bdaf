// The Activity Ledger read model: a shop's ledger entries, newest first, each named by its source, with who
// did it and where it leads, filtered and paged by keyset on (shopId, id): a page costs the same with a
// million entries as with ten. The page and its CSV export read it alike.
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { FLOW_ACTOR } from "../automations/types";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { query, type Row, type SqlValue } from "../db/transaction-script";
import { planByKey } from "../billing/plans";
import {
  DEBIT_ACTIONS,
  debitLabel,
  grantLabel,
  LEDGER_KINDS,
  LEDGER_QUERY_KEYS,
  TYPE_FILTERS,
  WHO,
  type LedgerKind,
  type TypeFilter,
  type Who,
} from "../ledger/action-labels";

export interface LedgerFilters {
  type?: TypeFilter;
  action?: string;
  who?: Who;
  /** Calendar dates (YYYY-MM-DD), both included, as days in the shop's time zone. */
  from?: string;
  to?: string;
}

/** `after`: the page of entries older than that id; `before`: the page newer than it. */
export type LedgerCursor = { after: number } | { before: number } | null;

export interface LedgerRow {
  id: number;
  createdAt: string;
  kind: LedgerKind;
  /** What happened, named by its source: "Monthly allowance — Starter", "Draft generated: <title>". */
  what: string;
  credits: number;
  balanceAfter: number;
  who: { kind: Who; name: string };
  test: boolean;
  /** The draft the credits paid for, or the Shopify charge that granted them. */
  link: { kind: "draft"; id: string; title: string } | { kind: "charge"; id: string } | null;
}

export interface LedgerPage {
  rows: LedgerRow[];
  /** The `after` cursor of the next (older) page; null on the last page. */
  nextCursor: number | null;
  /** The `before` cursor of the previous (newer) page; null on the first page. */
  previousCursor: number | null;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31")
  .refine((value) => {
    // 2026-02-30 parses as 2 March: a real date reads back as itself.
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  }, "Not a date");
const entryId = z.coerce.number({ message: "Not a page of this ledger" }).int().positive();

const querySchema = z
  .object({
    type: z.enum(Object.keys(TYPE_FILTERS) as [TypeFilter, ...TypeFilter[]]).optional(),
    action: z.enum(DEBIT_ACTIONS as [string, ...string[]]).optional(),
    who: z.enum(WHO).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    after: entryId.optional(),
    before: entryId.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "Must be on or after the start date" });
    if (query.after !== undefined && query.before !== undefined)
      ctx.addIssue({ code: "custom", path: ["before"], message: "One page cursor at a time" });
  });

/**
 * The filters and cursor a page or export URL asks for. Empty values mean "not set" (a cleared field);
 * anything else that is not a known choice is a field error, never a silent "show everything".
 */
export function parseLedgerQuery(
  params: URLSearchParams,
):
  | { ok: true; filters: LedgerFilters; cursor: LedgerCursor }
  | { ok: false; fieldErrors: Record<string, string> } {
  const raw = Object.fromEntries(
    LEDGER_QUERY_KEYS.flatMap((key) => {
      const value = params.get(key);
      return value === null || value === "" ? [] : [[key, value]];
    }),
  );
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "query");
      fieldErrors[field] ??= issue.message;
    }
    return { ok: false, fieldErrors };
  }
  const { after, before, ...filters } = parsed.data;
  const cursor = after !== undefined ? { after } : before !== undefined ? { before } : null;
  return { ok: true, filters, cursor };
}

// ---- time zones ----

// The zone's offset from UTC at `instant`, from what Intl says the wall clock reads there.
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a calendar day (YYYY-MM-DD) starts in `timeZone`. */
export function startOfDayIn(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Twice: the first guess's offset may be the other side of a DST change.
  const guess = midnightUtc - zoneOffsetMs(midnightUtc, timeZone);
  return new Date(midnightUtc - zoneOffsetMs(guess, timeZone));
}

// ---- the listing ----

// One SQL text per filter combination for both engines: `substr` rather than LIKE (SQLite's LIKE ignores
// case, PostgreSQL's does not), and COALESCE so that no condition is NULL (NOT over NULL drops rows).
const ACTOR = `COALESCE(e."actor", '')`;
const IS_STAFF = `substr(${ACTOR}, 1, 5) = 'user:'`;
const IS_AUTOMATION = `substr(${ACTOR}, 1, 11) = 'automation:'`;
// A paid plan's allowance carries no actor: Shopify's billing granted it. Free's is the system's.
const IS_SHOPIFY = `(${ACTOR} = 'shopify' OR (${ACTOR} = '' AND e."type" = 'grant'
  AND substr(COALESCE(e."reference", ''), 1, 5) = 'plan:' AND e."reference" <> 'plan:free'))`;
const WHO_SQL: Record<Who, string> = {
  staff: IS_STAFF,
  automation: IS_AUTOMATION,
  shopify: IS_SHOPIFY,
  system: `NOT (${IS_STAFF} OR ${IS_AUTOMATION} OR ${IS_SHOPIFY})`,
};

/** The filters as SQL conditions on `e` (the entries), with their parameters. */
function filterSql(shopId: string, filters: LedgerFilters, timeZone: string) {
  const conditions = [`e."shopId" = ?`];
  const params: SqlValue[] = [shopId];
  if (filters.type) {
    const types = TYPE_FILTERS[filters.type].types;
    conditions.push(`e."type" IN (${types.map(() => "?").join(", ")})`);
    params.push(...types);
  }
  if (filters.action) {
    conditions.push(`e."action" = ?`);
    params.push(filters.action);
  }
  if (filters.from) {
    conditions.push(`e."createdAt" >= ?`);
    params.push(startOfDayIn(filters.from, timeZone));
  }
  if (filters.to) {
    const next = new Date(Date.parse(`${filters.to}T00:00:00Z`) + 24 * 60 * 60 * 1000);
    conditions.push(`e."createdAt" < ?`);
    params.push(startOfDayIn(next.toISOString().slice(0, 10), timeZone));
  }
  if (filters.who) conditions.push(WHO_SQL[filters.who]);
  return { where: conditions.join(" AND "), params };
}

function whoOf(actor: string | null, type: string, reference: string | null): Who {
  if (actor?.startsWith("user:")) return "staff";
  if (actor?.startsWith("automation:")) return "automation";
  if (actor === "shopify") return "shopify";
  if (!actor && type === "grant" && reference?.startsWith("plan:") && reference !== "plan:free")
    return "shopify";
  return "system";
}

// purchase:<gid> (a top-up) and upgrade:<subscription gid>:<cycle start> name the charge that granted.
const CHARGE_IN_SOURCE = /^(?:purchase|upgrade):(gid:\/\/shopify\/\w+\/\d+)/;

/** A page's row as the statement returns it: the entry, its grant, and the names it points to. */
interface EntryRow {
  id: number;
  type: string;
  credits: number;
  postedAfter: number;
  action: string | null;
  actor: string | null;
  reference: string | null;
  test: boolean | number;
  createdAt: string | Date;
  grantKind: string | null;
  grantSourceKey: string | null;
  draftId: string | null;
  draftTitle: string | null;
  /** The staff member's name from an online session, or the automation's. */
  actorName: string | null;
  /** A matching entry newer than the page exists (for a page after a cursor). */
  newer: boolean | number | null;
}

/**
 * The page's one statement: the keyset walk of the (shopId, id) index from the cursor (LIMIT, no OFFSET),
 * then for those rows only their grant, the draft a debit paid for (by its current title), the staff
 * member's name (online sessions carry it; the shop's are read once, not per row) or the automation's, and
 * whether a newer page exists. Parameters: the shop, `newer`'s, the page's.
 */
function pageSql(where: string, order: "ASC" | "DESC", bound: string, newer: string | null) {
  return `WITH "staff" AS (
      SELECT CAST(s."userId" AS TEXT) AS "userId",
        MIN(TRIM(COALESCE(s."firstName", '') || ' ' || COALESCE(s."lastName", ''))) AS "name"
      FROM "Session" s
      WHERE s."shop" = (SELECT sh."domain" FROM "Shop" sh WHERE sh."id" = ?) AND s."firstName" IS NOT NULL
      GROUP BY s."userId")
    SELECT e."id", e."type", e."credits", e."postedAfter", e."action", e."actor", e."reference",
      e."test", e."createdAt", g."kind" AS "grantKind", g."sourceKey" AS "grantSourceKey",
      d."id" AS "draftId", d."title" AS "draftTitle", COALESCE(st."name", a."name") AS "actorName",
      ${newer ?? "NULL"} AS "newer"
    FROM (SELECT e.* FROM "LedgerEntry" e WHERE ${where}${bound} ORDER BY e."id" ${order} LIMIT ?) e
    LEFT JOIN "CreditGrant" g ON g."id" = e."grantId"
    LEFT JOIN "Draft" d ON e."type" = 'debit' AND d."id" = e."reference" AND d."shopId" = e."shopId"
    LEFT JOIN "staff" st ON ${IS_STAFF} AND st."userId" = substr(e."actor", 6)
    LEFT JOIN "Automation" a ON ${IS_AUTOMATION} AND a."id" = substr(e."actor", 12)
      AND a."shopId" = e."shopId"
    ORDER BY e."id" ${order}`;
}

export interface ListLedgerOptions {
  filters?: LedgerFilters;
  cursor?: LedgerCursor;
  take?: number;
  /** The shop's IANA zone: the date filters' days are its days. */
  timeZone?: string;
  /** Whether to look for a newer page (the page's Previous); an export that walks forward needs not. */
  withPrevious?: boolean;
}

/**
 * One page of the shop's ledger, newest first, in one SQL statement on the driver (no Prisma query to
 * compile): no OFFSET and no COUNT, the (shopId, id) index walked from the cursor, so a page of a million
 * entries costs what a page of fifty does.
 */
export async function listLedger(
  db: Db,
  shopId: string,
  { filters = {}, cursor = null, take = 50, timeZone = "UTC", withPrevious = true }: ListLedgerOptions = {},
): Promise<LedgerPage> {
  const { where, params } = filterSql(shopId, filters, timeZone);
  const backwards = cursor !== null && "before" in cursor;
  const bound = cursor === null ? "" : "after" in cursor ? ` AND e."id" < ?` : ` AND e."id" > ?`;
  const boundParams = cursor === null ? [] : ["after" in cursor ? cursor.after : cursor.before];
  // After an `after` cursor, a newer page exists if a matching entry at or above the cursor does: none
  // lies between the page's first row and the cursor, or it would be on the page.
  const askNewer = withPrevious && cursor !== null && "after" in cursor;
  const newer = askNewer
    ? `(SELECT 1 FROM "LedgerEntry" e WHERE ${where} AND e."id" >= ? ORDER BY e."id" LIMIT 1)`
    : null;
  const sql = pageSql(where, backwards ? "ASC" : "DESC", bound, newer);
  const values = [
    shopId,
    ...(askNewer ? [...params, cursor.after] : []),
    ...params,
    ...boundParams,
    take + 1,
  ];
  const found = await moneyDriverOf(db).read(() => query<EntryRow & Row>(sql, ...values));
  const more = found.length > take;
  const entries = found.slice(0, take);
  if (backwards) entries.reverse();

  const first = entries[0];
  const last = entries.at(-1);
  let nextCursor: number | null;
  let previousCursor: number | null;
  if (backwards) {
    previousCursor = more && first ? first.id : null;
    // We came from the older page, so there is one (unless the page is empty).
    nextCursor = last ? last.id : null;
  } else {
    nextCursor = more && last ? last.id : null;
    previousCursor = first && first.newer ? first.id : null;
  }
  return { rows: entries.map(toRow), nextCursor, previousCursor };
}

function toRow(entry: EntryRow): LedgerRow {
  const kind = (LEDGER_KINDS as readonly string[]).includes(entry.type)
    ? (entry.type as LedgerKind)
    : "adjustment";
  const who = whoOf(entry.actor, entry.type, entry.reference);
  const title = entry.draftId !== null ? (entry.draftTitle ?? "") : undefined;
  const chargeId = entry.grantSourceKey?.match(CHARGE_IN_SOURCE)?.[1];
  let what: string;
  if (kind === "debit") what = debitLabel(entry.action ?? "", title ?? null);
  else {
    const planKey = entry.reference?.startsWith("plan:") ? entry.reference.slice(5) : null;
    what = grantLabel(kind, {
      kind: entry.grantKind,
      planName: planKey ? (planByKey(planKey)?.name ?? null) : null,
      credits: entry.credits,
    });
  }
  return {
    id: entry.id,
    createdAt: new Date(entry.createdAt).toISOString(),
    kind,
    what,
    credits: entry.credits,
    balanceAfter: entry.postedAfter,
    who: { kind: who, name: whoName(who, entry.actor, entry.actorName) },
    test: Boolean(entry.test),
    link:
      title !== undefined && entry.reference
        ? { kind: "draft", id: entry.reference, title }
        : kind === "grant" && chargeId
          ? { kind: "charge", id: chargeId }
          : null,
  };
}

function whoName(who: Who, actor: string | null, name: string | null): string {
  switch (who) {
    case "staff":
      return name || `Staff member ${actor!.slice("user:".length)}`;
    case "automation":
      // A Shopify Flow action has no Automation row; a deleted automation's spends keep their entries.
      return actor === FLOW_ACTOR ? "Shopify Flow" : (name ?? "Automation");
    case "shopify":
      return "Shopify";
    case "system":
      return "System";
  }
}

// Export pages: one statement each, so its size bounds only the rows held at once.
const EXPORT_PAGE = 500;

/**
 * Every entry the filters match, newest first, in keyset pages of `pageSize`: for a streamed export that
 * never holds the whole ledger.
 */
export async function* ledgerPages(
  db: Db,
  shopId: string,
  {
    filters = {},
    timeZone = "UTC",
    pageSize = EXPORT_PAGE,
  }: Omit<ListLedgerOptions, "cursor" | "take"> & {
    pageSize?: number;
  } = {},
): AsyncGenerator<LedgerRow[]> {
  let cursor: LedgerCursor = null;
  for (;;) {
    const page = await listLedger(db, shopId, {
      filters,
      cursor,
      take: pageSize,
      timeZone,
      withPrevious: false,
    });
    if (page.rows.length) yield page.rows;
    if (page.nextCursor === null) return;
    cursor = { after: page.nextCursor };
  }
}

// ---- the CSV export ----

// Local time as a spreadsheet reads it ("2026-01-31 14:05:09"); the UTC instant beside it is unambiguous.
// Made once per export: a formatter costs far more to make than to use.
function localTimeFormat(timeZone: string) {
  return new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "medium" });
}

function csvCells(row: LedgerRow, localTime: Intl.DateTimeFormat) {
  return [
    localTime.format(new Date(row.createdAt)),
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

/**
 * The filtered ledger as CSV (RFC 4180: CRLF, quoted where needed), pulled page by page: the next keyset
 * page is read only when the reader has taken the last, so memory stays flat however long the ledger is.
 */
export function ledgerCsv(
  db: Db,
  shopId: string,
  { filters = {}, timeZone = "UTC" }: { filters?: LedgerFilters; timeZone?: string } = {},
): ReadableStream<Uint8Array> {
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
  const pages = ledgerPages(db, shopId, { filters, timeZone });
  const localTime = localTimeFormat(timeZone);
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      const records = next.done ? [] : next.value.map((row) => csvCells(row, localTime));
      if (!started || records.length) {
        // Cells that start with = + - @ tab or CR get a leading ' (formula injection); numbers stay.
        const text = stringify(started ? records : [header, ...records], {
          escape_formulas: true,
          record_delimiter: "windows",
        });
        controller.enqueue(encoder.encode(text));
        started = true;
      }
      if (next.done) controller.close();
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
