// The Activity Ledger read model: a shop's ledger entries, newest first, each named by its source, with who
// did it and where it leads, filtered and paged by keyset on (shopId, id): a page costs the same with a
// million entries as with ten. The page and its CSV export read it alike.
import type { Prisma } from "@prisma-generated/sqlite";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Db } from "../db/connect.server";
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

const SHOPIFY_GRANT = { actor: null, type: "grant", reference: { startsWith: "plan:", not: "plan:free" } };

function whoWhere(who: Who) {
  switch (who) {
    case "staff":
      return { actor: { startsWith: "user:" } };
    case "automation":
      return { actor: { startsWith: "automation:" } };
    case "shopify":
      return { OR: [{ actor: "shopify" }, SHOPIFY_GRANT] };
    case "system":
      // Spelled out case by case: a NOT over nullable columns would drop the rows whose actor is null.
      return {
        OR: [
          { actor: null, type: { not: "grant" } },
          { actor: null, type: "grant", reference: null },
          { actor: null, type: "grant", reference: "plan:free" },
          { actor: null, type: "grant", NOT: { reference: { startsWith: "plan:" } } },
          {
            actor: { not: null },
            NOT: [
              { actor: { startsWith: "user:" } },
              { actor: { startsWith: "automation:" } },
              { actor: "shopify" },
            ],
          },
        ],
      };
  }
}

function filterWhere(shopId: string, filters: LedgerFilters, timeZone: string) {
  const createdAt: { gte?: Date; lt?: Date } = {};
  if (filters.from) createdAt.gte = startOfDayIn(filters.from, timeZone);
  if (filters.to) {
    const next = new Date(Date.parse(`${filters.to}T00:00:00Z`) + 24 * 60 * 60 * 1000);
    createdAt.lt = startOfDayIn(next.toISOString().slice(0, 10), timeZone);
  }
  return {
    shopId,
    ...(filters.type ? { type: { in: [...TYPE_FILTERS[filters.type].types] } } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.from || filters.to ? { createdAt } : {}),
    ...(filters.who ? whoWhere(filters.who) : {}),
  };
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

const ENTRY_SELECT = {
  id: true,
  type: true,
  credits: true,
  postedAfter: true,
  action: true,
  actor: true,
  reference: true,
  test: true,
  createdAt: true,
  grant: { select: { kind: true, sourceKey: true } },
} as const;

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
 * One page of the shop's ledger, newest first. A bounded number of queries whatever the page holds: the
 * entries (with their grants), the drafts they name, the staff members' names, and one row to know
 * whether a newer page exists. No OFFSET and no COUNT: each walks the (shopId, id) index from the cursor.
 */
export async function listLedger(
  db: Db,
  shopId: string,
  { filters = {}, cursor = null, take = 50, timeZone = "UTC", withPrevious = true }: ListLedgerOptions = {},
): Promise<LedgerPage> {
  const where = filterWhere(shopId, filters, timeZone);
  const backwards = cursor !== null && "before" in cursor;
  const idBound = cursor === null ? {} : "after" in cursor ? { lt: cursor.after } : { gt: cursor.before };
  const found = await db.ledgerEntry.findMany({
    where: { ...where, id: idBound },
    orderBy: { id: backwards ? "asc" : "desc" },
    take: take + 1,
    select: ENTRY_SELECT,
  });
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
    previousCursor =
      withPrevious && cursor !== null && first
        ? (await db.ledgerEntry.findFirst({
            where: { ...where, id: { gt: first.id } },
            orderBy: { id: "asc" },
            select: { id: true },
          }))
          ? first.id
          : null
        : null;
  }
  return { rows: await toRows(db, shopId, entries), nextCursor, previousCursor };
}

type Entry = Prisma.LedgerEntryGetPayload<{ select: typeof ENTRY_SELECT }>;

async function toRows(db: Db, shopId: string, entries: Entry[]): Promise<LedgerRow[]> {
  // A debit's reference is the draft it paid for: its row names the draft by its current title.
  const draftIds = [
    ...new Set(entries.flatMap((e) => (e.type === "debit" && e.reference ? [e.reference] : []))),
  ];
  const staffIds = [
    ...new Set(
      entries.flatMap((e) => {
        const id = e.actor?.match(/^user:(\d{1,19})$/)?.[1];
        return id ? [id] : [];
      }),
    ),
  ];
  const [drafts, names] = await Promise.all([
    draftIds.length
      ? db.draft.findMany({
          where: { shopId, id: { in: draftIds } },
          select: { id: true, title: true },
        })
      : [],
    staffNames(db, shopId, staffIds),
  ]);
  const titles = new Map(drafts.map((draft) => [draft.id, draft.title]));

  return entries.map((entry) => {
    const kind = (LEDGER_KINDS as readonly string[]).includes(entry.type)
      ? (entry.type as LedgerKind)
      : "adjustment";
    const who = whoOf(entry.actor, entry.type, entry.reference);
    const title = entry.type === "debit" && entry.reference ? titles.get(entry.reference) : undefined;
    const chargeId = entry.grant?.sourceKey.match(CHARGE_IN_SOURCE)?.[1];
    let what: string;
    if (kind === "debit") what = debitLabel(entry.action ?? "", title ?? null);
    else {
      const planKey = entry.reference?.startsWith("plan:") ? entry.reference.slice(5) : null;
      what = grantLabel(kind, {
        kind: entry.grant?.kind ?? null,
        planName: planKey ? (planByKey(planKey)?.name ?? null) : null,
        credits: entry.credits,
      });
    }
    return {
      id: entry.id,
      createdAt: entry.createdAt.toISOString(),
      kind,
      what,
      credits: entry.credits,
      balanceAfter: entry.postedAfter,
      who: { kind: who, name: whoName(who, entry.actor, names) },
      test: entry.test,
      link:
        title !== undefined && entry.reference
          ? { kind: "draft", id: entry.reference, title }
          : kind === "grant" && chargeId
            ? { kind: "charge", id: chargeId }
            : null,
    };
  });
}

// Online-token sessions carry the staff member's name; one query for the page's staff members.
async function staffNames(db: Db, shopId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true } });
  if (!shop) return new Map();
  const sessions = await db.session.findMany({
    where: { shop: shop.domain, userId: { in: ids.map((id) => BigInt(id)) }, firstName: { not: null } },
    select: { userId: true, firstName: true, lastName: true },
  });
  return new Map(
    sessions.map((s) => [String(s.userId), [s.firstName, s.lastName].filter(Boolean).join(" ")]),
  );
}

function whoName(who: Who, actor: string | null, names: Map<string, string>): string {
  switch (who) {
    case "staff": {
      const id = actor!.slice("user:".length);
      return names.get(id) ?? `Staff member ${id}`;
    }
    case "automation":
      // No automations table yet to name it by.
      return "Automation";
    case "shopify":
      return "Shopify";
    case "system":
      return "System";
  }
}

// A page's drafts, staff members and grants are each looked up with one IN list: at most 999 bound values
// on SQLite through Prisma's adapter, so a page stays under that.
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
