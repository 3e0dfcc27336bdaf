// Drafts and their versions, always within one shop: another shop's draft id is not found. A version is
// immutable; every change (a job's output, an edit, a restore) appends the next number.
import { randomBytes } from "node:crypto";
import type { Cover, DraftVersion } from "@prisma-generated/sqlite";
import type { BriefFields, CoverImage, DraftContent } from "../ai/provider";
import type { Db } from "../db/connect.server";
import { briefFromJson } from "./brief";
import { contentRowData, normaliseContent, sameContent, versionContent } from "./draft-content";
import { ContentNotFound, InvalidContent } from "./errors";

export { versionContent } from "./draft-content";

export const STALE_DRAFT = "This draft changed since you opened it; reload to see the new version";

export type VersionSource = "generate" | "regenerate" | "rewrite" | "edit" | "restore";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface WriteVersionInput {
  shopId: string;
  draftId: string;
  /** The brief a new draft belongs to (source "generate" only). */
  briefId?: string | null;
  source: VersionSource;
  /** The job that wrote it: a second write for the same job returns the first. */
  jobId?: string | null;
  actor: string;
  brief: BriefFields;
  content: DraftContent;
  /** The version this one was made from: if the draft has moved past it, InvalidContent (baseVersion). */
  baseVersion?: number;
}

/** A concurrent writer created the draft after this transaction looked: run it again to see it. */
class LostRace extends Error {}

const mayRetry = (error: unknown) =>
  error instanceof LostRace || (error as { code?: string })?.code === "P2002";

/** Runs a write that can lose a race on a unique key; the loser tries again and sees the winner's row. */
async function retryOnConflict<T>(work: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!mayRetry(error) || attempt >= attempts) throw error;
    }
  }
}

async function versionOfJob(db: Db | Tx, shopId: string, jobId: string | null | undefined) {
  if (!jobId) return null;
  return db.draftVersion.findFirst({ where: { jobId, shopId } });
}

export async function writeVersion(db: Db, input: WriteVersionInput): Promise<DraftVersion> {
  const { shopId, draftId, source, jobId = null, actor } = input;
  const content = normaliseContent(input.content);
  const written = await versionOfJob(db, shopId, jobId);
  if (written) return written;

  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const again = await versionOfJob(tx, shopId, jobId);
      if (again) return again;
      const now = new Date();
      // Touching the draft first takes its row lock (PostgreSQL) or the write lock (SQLite), so writers
      // of one draft take numbers one after another.
      const touched = await tx.draft.updateMany({ where: { id: draftId, shopId }, data: { updatedAt: now } });
      if (touched.count === 0) {
        if (source !== "generate") throw new ContentNotFound("draft");
        const owner = await tx.draft.findUnique({ where: { id: draftId }, select: { shopId: true } });
        // Another shop's draft id reads as unknown; our own, committed since the touch above, is a race.
        if (owner && owner.shopId !== shopId) throw new ContentNotFound("draft");
        if (owner) throw new LostRace();
        if (input.briefId && !(await tx.brief.findFirst({ where: { id: input.briefId, shopId } })))
          throw new ContentNotFound("brief");
        await tx.draft.create({
          data: {
            id: draftId,
            shopId,
            briefId: input.briefId ?? null,
            title: content.title,
            currentVersion: 0,
          },
        });
      } else if (input.baseVersion !== undefined) {
        const draft = await tx.draft.findUniqueOrThrow({
          where: { id: draftId },
          select: { currentVersion: true },
        });
        if (draft.currentVersion !== input.baseVersion)
          throw new InvalidContent({ baseVersion: STALE_DRAFT });
      }
      const last = await tx.draftVersion.aggregate({ where: { draftId }, _max: { number: true } });
      const number = (last._max.number ?? 0) + 1;
      const version = await tx.draftVersion.create({
        data: {
          draftId,
          shopId,
          number,
          source,
          jobId,
          actor,
          brief: JSON.stringify(input.brief),
          ...contentRowData(content),
        },
      });
      await tx.draft.update({
        where: { id: draftId },
        data: { title: content.title, currentVersion: number, updatedAt: now },
      });
      return version;
    }),
  );
}

export interface VersionListItem {
  number: number;
  source: VersionSource;
  actor: string;
  createdAt: Date;
  title: string;
}

export async function findDraft(db: Db, shopId: string, draftId: string) {
  const draft = await db.draft.findFirst({
    where: { id: draftId, shopId },
    include: {
      versions: {
        select: { number: true, source: true, actor: true, createdAt: true, title: true },
        orderBy: { number: "desc" },
      },
    },
  });
  if (!draft) throw new ContentNotFound("draft");
  const { versions, ...row } = draft;
  const [current, cover] = await Promise.all([
    db.draftVersion.findUnique({ where: { draftId_number: { draftId, number: draft.currentVersion } } }),
    draft.coverId
      ? db.cover.findFirst({
          where: { id: draft.coverId, shopId },
          select: { id: true, width: true, height: true, altText: true, prompt: true, createdAt: true },
        })
      : null,
  ]);
  if (!current) throw new ContentNotFound("version");
  return {
    ...row,
    current: parsedVersion(current),
    versions: versions as VersionListItem[],
    cover,
  };
}

export type DraftDetail = Awaited<ReturnType<typeof findDraft>>;

function parsedVersion(version: DraftVersion) {
  return { ...version, content: versionContent(version), briefFields: briefFromJson(version.brief) };
}

export type ParsedVersion = ReturnType<typeof parsedVersion>;

export async function readVersion(
  db: Db,
  shopId: string,
  draftId: string,
  number: number,
): Promise<ParsedVersion> {
  if (!Number.isSafeInteger(number) || number < 1) throw new ContentNotFound("version");
  const version = await db.draftVersion.findFirst({ where: { draftId, shopId, number } });
  if (!version) throw new ContentNotFound("version");
  return parsedVersion(version);
}

/** The merchant's own edit (free): a new "edit" version of the current one, unless nothing changed. */
export async function editDraft(
  db: Db,
  input: {
    shopId: string;
    draftId: string;
    actor: string;
    baseVersion: number;
    content: Partial<DraftContent>;
  },
): Promise<DraftVersion> {
  const draft = await findDraft(db, input.shopId, input.draftId);
  if (draft.currentVersion !== input.baseVersion) throw new InvalidContent({ baseVersion: STALE_DRAFT });
  const { content: base, briefFields } = draft.current;
  const edited = normaliseContent({ ...base, ...definedFields(input.content) });
  if (sameContent(edited, base)) return stripParsed(draft.current);
  return writeVersion(db, {
    shopId: input.shopId,
    draftId: input.draftId,
    source: "edit",
    actor: input.actor,
    brief: briefFields,
    content: edited,
    // Checked again under the draft's lock: a writer between the read above and this write wins.
    baseVersion: input.baseVersion,
  });
}

function definedFields(content: Partial<DraftContent>): Partial<DraftContent> {
  return Object.fromEntries(Object.entries(content).filter(([, value]) => value !== undefined));
}

function stripParsed(version: ParsedVersion): DraftVersion {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { content, briefFields, ...row } = version;
  return row;
}

/** Makes an old version the newest again, as a "restore" version copying it. */
export async function restoreVersion(
  db: Db,
  input: { shopId: string; draftId: string; number: number; actor: string },
): Promise<DraftVersion> {
  const version = await readVersion(db, input.shopId, input.draftId, input.number);
  return writeVersion(db, {
    shopId: input.shopId,
    draftId: input.draftId,
    source: "restore",
    actor: input.actor,
    brief: version.briefFields,
    content: version.content,
  });
}

export type DraftStatus = "draft" | "saved" | "changed since saved";

export interface DraftSummary {
  id: string;
  title: string;
  status: DraftStatus;
  currentVersion: number;
  versionCount: number;
  creditsSpent: number;
  coverId: string | null;
  updatedAt: string;
  articleId: string | null;
}

export function draftStatus(draft: {
  articleId: string | null;
  savedVersion: number | null;
  currentVersion: number;
}): DraftStatus {
  if (!draft.articleId) return "draft";
  return draft.savedVersion === draft.currentVersion ? "saved" : "changed since saved";
}

/** A LIKE pattern matching `term` anywhere, its wildcards taken literally (Prisma's `contains` does not). */
function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The shop's drafts, most recently changed first, a page at a time (`cursor`: the last id of the page
 * before). `search` matches titles ignoring case (ASCII letters on both engines; lower() beyond ASCII
 * depends on the engine and its collation).
 */
export async function listDrafts(
  db: Db,
  shopId: string,
  { search, take = 25, cursor }: { search?: string; take?: number; cursor?: string } = {},
): Promise<{ drafts: DraftSummary[]; nextCursor: string | null }> {
  const size = Math.min(Math.max(1, Math.floor(take) || 25), 100);
  const term = search?.replace(/\s+/g, " ").trim() || null;
  const pattern = term ? containsPattern(term) : null;
  // One statement for both engines: lower() on both sides for case, ESCAPE for literal wildcards, and the
  // keyset (updatedAt, id) of the cursor's row (an unknown or foreign cursor matches nothing).
  const found = await db.$queryRaw<{ id: string }[]>`
    SELECT d."id" FROM "Draft" d
    WHERE d."shopId" = ${shopId}
      AND (CAST(${pattern} AS TEXT) IS NULL
        OR lower(d."title") LIKE lower(CAST(${pattern} AS TEXT)) ESCAPE '\\')
      AND (CAST(${cursor ?? null} AS TEXT) IS NULL
        OR (d."updatedAt", d."id") < (SELECT c."updatedAt", c."id" FROM "Draft" c
          WHERE c."id" = CAST(${cursor ?? null} AS TEXT) AND c."shopId" = ${shopId}))
    ORDER BY d."updatedAt" DESC, d."id" DESC
    LIMIT ${size + 1}`;
  const ids = found.slice(0, size).map((row) => row.id);
  const unordered = await db.draft.findMany({
    where: { shopId, id: { in: ids } },
    include: { _count: { select: { versions: true } } },
  });
  const byId = new Map(unordered.map((row) => [row.id, row]));
  const page = ids.flatMap((id) => byId.get(id) ?? []);
  const spent = ids.length
    ? await db.ledgerEntry.groupBy({
        by: ["reference"],
        where: { shopId, type: "debit", reference: { in: ids } },
        _sum: { credits: true },
      })
    : [];
  const spentBy = new Map(spent.map((row) => [row.reference, -(row._sum.credits ?? 0)]));
  return {
    drafts: page.map((row) => ({
      id: row.id,
      title: row.title,
      status: draftStatus(row),
      currentVersion: row.currentVersion,
      versionCount: row._count.versions,
      creditsSpent: spentBy.get(row.id) ?? 0,
      coverId: row.coverId,
      updatedAt: row.updatedAt.toISOString(),
      articleId: row.articleId,
    })),
    nextCursor: found.length > size ? (ids.at(-1) ?? null) : null,
  };
}

export const COVER_LIMITS = { pngBytes: 5 * 1024 * 1024, altText: 512, prompt: 4000 } as const;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Stores a cover and makes it the draft's; the same job's cover twice is the first one. */
export async function attachCover(
  db: Db,
  input: { shopId: string; draftId: string; jobId?: string | null; cover: CoverImage },
): Promise<Cover> {
  const { shopId, draftId, jobId = null, cover } = input;
  const errors: Record<string, string> = {};
  if (cover.png.byteLength > COVER_LIMITS.pngBytes) errors.png = "The cover image is larger than 5 MB";
  if (!PNG_SIGNATURE.every((byte, i) => cover.png[i] === byte)) errors.png ??= "The cover is not a PNG image";
  const altText = cover.altText.replace(/\s+/g, " ").trim();
  if (altText.length > COVER_LIMITS.altText) errors.altText = "Keep the alt text to 512 characters or fewer";
  if (
    !Number.isInteger(cover.width) ||
    !Number.isInteger(cover.height) ||
    cover.width < 1 ||
    cover.height < 1
  )
    errors.size = "The cover has no size";
  if (Object.keys(errors).length) throw new InvalidContent(errors);

  const existing = async (client: Db | Tx) =>
    jobId ? client.cover.findFirst({ where: { jobId, shopId } }) : null;
  const first = await existing(db);
  if (first) return first;
  return retryOnConflict(() =>
    db.$transaction(async (tx) => {
      const again = await existing(tx);
      if (again) return again;
      const touched = await tx.draft.updateMany({
        where: { id: draftId, shopId },
        data: { updatedAt: new Date() },
      });
      if (touched.count === 0) throw new ContentNotFound("draft");
      const created = await tx.cover.create({
        data: {
          // 144 random bits: the image is public (Shopify downloads it) and its URL is its only key.
          id: randomBytes(18).toString("base64url"),
          shopId,
          draftId,
          jobId,
          png: Buffer.from(cover.png),
          width: cover.width,
          height: cover.height,
          altText,
          prompt: cover.prompt.slice(0, COVER_LIMITS.prompt),
        },
      });
      await tx.draft.update({ where: { id: draftId }, data: { coverId: created.id } });
      return created;
    }),
  );
}

/** A cover's image by its unguessable id, for the public image route. */
export async function readCoverPng(
  db: Db,
  coverId: string,
): Promise<{ png: Buffer; altText: string } | null> {
  if (!coverId || coverId.length > 64) return null;
  const cover = await db.cover.findUnique({ where: { id: coverId }, select: { png: true, altText: true } });
  return cover ? { png: Buffer.from(cover.png), altText: cover.altText } : null;
}

/** Records which Shopify article a version was saved as. */
export async function recordSaved(
  db: Db,
  input: { shopId: string; draftId: string; articleId: string; blogId: string; version: number },
): Promise<void> {
  const { count } = await db.draft.updateMany({
    where: { id: input.draftId, shopId: input.shopId },
    data: {
      articleId: input.articleId,
      blogId: input.blogId,
      savedVersion: input.version,
      savedAt: new Date(),
    },
  });
  if (count === 0) throw new ContentNotFound("draft");
}
