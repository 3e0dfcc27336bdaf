// The work half of the one spending use case: claim the job, make sure its price is held, run the provider
// outside any transaction, write what it made, then capture; on any failure release, so a failed action
// costs nothing. Runs wherever the queue hands the job (any instance, any number of times): the claim in
// our table makes one runner at a time do it, and writes keyed by the job id make a re-run after a crash
// find what the first run wrote instead of writing (and charging for) it again.
import type { AiProvider, BriefFields, DraftContent } from "../ai/provider";
import { AiError } from "../ai/provider";
import { briefFromJson, briefFromRow } from "../content/brief";
import { findBrief } from "../content/briefs.server";
import { spliceSelection } from "../content/compare";
import { attachCover, findDraft, readVersion, versionContent, writeVersion } from "../content/drafts.server";
import { ContentNotFound, InvalidContent } from "../content/errors";
import type { Db } from "../db/connect.server";
import { captureReservation } from "../ledger/capture-reservation.server";
import { LedgerError, ReservationExpired } from "../ledger/errors";
import { releaseReservation } from "../ledger/release-reservation.server";
import { reserveCredits } from "../ledger/reserve-credits.server";
import { isAction, type Action } from "../ledger/prices";
import type { JobRequest } from "./job-request";
import { JOB_RESERVATION_MS, reservationKeyOf } from "./submit-job.server";

/** How long a runner owns a job; the provider is cut off before it ends, so two runners never overlap. */
export const JOB_LEASE_MS = 10 * 60 * 1000;
/** Runs of one job (the first, and one after a crash) before it is failed for good. */
export const MAX_JOB_ATTEMPTS = 2;

type Job = NonNullable<Awaited<ReturnType<Db["job"]["findUnique"]>>>;

export interface SaveArticleInput {
  shopId: string;
  draftId: string;
  blogId: string;
  /** Publish at this time; null saves the article unpublished. */
  publishAt: Date | null;
}

/** Saves a draft's current version to the store's blog (the app's Shopify side provides it). */
export type SaveArticle = (input: SaveArticleInput) => Promise<{ articleId: string; adminUrl: string }>;

/** Shopify did not take the article; the message is for the merchant. */
export class ArticleNotSaved extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArticleNotSaved";
  }
}

export interface RunOptions {
  now?: () => Date;
  /** After a capture (the balance went down): low-balance alerts. Its failure never fails the job. */
  onSpent?: (shopId: string) => Promise<unknown>;
  /** Where an automation.run job saves its draft; without it such a job fails, free. */
  saveArticle?: SaveArticle;
  /** After the job's outcome is written, succeeded or failed (automation runs, Flow triggers). */
  onFinished?: (job: Job) => Promise<unknown>;
}

/**
 * Runs of one job before it is failed for good. A draft saved by an automation is not run again after a
 * crash: Shopify may already hold the article, and a second run would save it twice.
 */
function attemptsAllowed(kind: string) {
  return kind === "automation.run" ? 1 : MAX_JOB_ATTEMPTS;
}

/** Runs one job if it is this runner's to run; returns quietly when another runner has it or it is done. */
export async function runJob(db: Db, provider: AiProvider, jobId: string, options: RunOptions = {}) {
  const now = options.now ?? (() => new Date());
  const start = now();
  const claimed = await db.job.updateMany({
    where: {
      id: jobId,
      OR: [{ status: "queued" }, { status: "running", leaseUntil: { lt: start } }],
    },
    data: {
      status: "running",
      attempts: { increment: 1 },
      leaseUntil: new Date(start.getTime() + JOB_LEASE_MS),
      startedAt: start,
    },
  });
  if (claimed.count === 0) return;
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const ref = { shopId: job.shopId, idempotencyKey: reservationKeyOf(job.id) };

  try {
    if (job.attempts > attemptsAllowed(job.kind))
      throw new JobAbandoned(
        job.kind === "automation.run"
          ? "The app stopped during this run, so it was not finished. Nothing was charged."
          : "This job stopped twice before it finished. Nothing was charged. Try again in a minute.",
      );
    if (job.credits > 0) await requireHold(db, job, now());
    const signal = AbortSignal.timeout(JOB_LEASE_MS - 60_000);
    const request = JSON.parse(job.input) as JobRequest;
    const result = await perform(db, provider, job, request, { signal, saveArticle: options.saveArticle });
    if (job.credits > 0) await capture(db, ref, now());
    await finish(db, job, { status: "succeeded", result: JSON.stringify(result), finishedAt: now() });
    if (job.credits > 0 && options.onSpent)
      await options
        .onSpent(job.shopId)
        .catch((error: unknown) => console.error(`job ${job.id}: after-spend work failed`, error));
  } catch (error) {
    if (job.credits > 0)
      await releaseReservation(db, ref, now()).catch((releaseError: unknown) => {
        // Still pending: the sweeper gives it back when the hold times out.
        console.error(`job ${job.id}: release failed`, releaseError);
      });
    if (!isExpected(error)) console.error(`job ${job.id} failed`, error);
    await finish(db, job, { status: "failed", error: failureMessage(error, job.kind), finishedAt: now() });
  }
  if (options.onFinished) {
    const finished = await db.job.findUnique({ where: { id: job.id } });
    if (finished && (finished.status === "succeeded" || finished.status === "failed"))
      await options
        .onFinished(finished)
        .catch((error: unknown) => console.error(`job ${job.id}: after-finish work failed`, error));
  }
}

class JobAbandoned extends Error {}

/**
 * The hold made at submit, or made now if submit stopped before it: the same key, so never a second one.
 * A hold that already timed out (the sweeper gave it back) means the work may not start.
 */
async function requireHold(db: Db, job: Job, now: Date) {
  const actions = job.actions.split("+").filter(isAction) as Action[];
  const { reservation } = await reserveCredits(
    db,
    {
      shopId: job.shopId,
      idempotencyKey: reservationKeyOf(job.id),
      actions,
      actor: job.actor,
      reference: job.draftId,
      timeoutMs: JOB_RESERVATION_MS,
    },
    now,
  );
  if (reservation.status !== "pending" || reservation.expiresAt <= now)
    throw new JobAbandoned("The credits held for this job timed out before it ran. Nothing was charged.");
}

async function capture(db: Db, ref: { shopId: string; idempotencyKey: string }, now: Date) {
  try {
    await captureReservation(db, ref, now);
  } catch (error) {
    // The work outlived its hold and the sweeper gave the credits back: the merchant keeps the result free.
    if (!(error instanceof ReservationExpired)) throw error;
    console.warn(`${ref.idempotencyKey}: finished after its hold timed out; not charged`);
  }
}

/** Writes the job's outcome unless another runner took the job over meanwhile (its attempt is newer). */
async function finish(
  db: Db,
  job: Job,
  data: { status: "succeeded" | "failed"; result?: string; error?: string; finishedAt: Date },
) {
  await db.job.updateMany({
    where: { id: job.id, status: "running", attempts: job.attempts },
    data: { ...data, leaseUntil: null },
  });
}

/** The brief a draft's current version was written from (its own brief row if the version lacks one). */
async function briefOfDraft(db: Db, shopId: string, draftId: string) {
  const draft = await findDraft(db, shopId, draftId);
  const version = await readVersion(db, shopId, draftId, draft.currentVersion);
  let brief: BriefFields | null = briefFromJson(version.brief);
  if (!brief.topic) brief = draft.briefId ? briefFromRow(await findBrief(db, shopId, draft.briefId)) : null;
  if (!brief?.topic) throw new ContentNotFound("brief");
  return { draft, version, brief };
}

/** The provider's part: every call happens here, outside any transaction, before anything is written. */
async function perform(
  db: Db,
  provider: AiProvider,
  job: Job,
  request: JobRequest,
  { signal, saveArticle }: { signal: AbortSignal; saveArticle?: SaveArticle },
) {
  const { shopId, actor } = job;
  const draftId = job.draftId!;
  // A re-run after a crash: what the first run wrote stands; only what it did not get to is done.
  const [writtenVersion, writtenCover] = await Promise.all([
    db.draftVersion.findUnique({ where: { jobId: job.id }, select: { number: true } }),
    db.cover.findUnique({ where: { jobId: job.id }, select: { id: true } }),
  ]);

  switch (request.kind) {
    case "topic.research": {
      const brief = briefFromRow(await findBrief(db, shopId, request.briefId));
      return { ideas: await provider.researchTopics(brief, { signal }) };
    }
    case "draft.generate": {
      const brief = briefFromRow(await findBrief(db, shopId, request.briefId));
      let content: DraftContent | null = null;
      if (!writtenVersion) content = await provider.writeDraft(brief, { signal });
      const title = content?.title ?? (await findDraft(db, shopId, draftId)).title;
      const cover =
        request.withCover && !writtenCover
          ? await provider.drawCover({ brief, title, excerpt: content?.excerpt ?? "" }, { signal })
          : null;
      const version = content
        ? await writeVersion(db, {
            shopId,
            draftId,
            briefId: request.briefId,
            source: "generate",
            jobId: job.id,
            actor,
            brief,
            content,
          })
        : writtenVersion!;
      const attached = cover ? await attachCover(db, { shopId, draftId, jobId: job.id, cover }) : null;
      return { version: version.number, coverId: attached?.id ?? writtenCover?.id ?? null };
    }
    case "draft.regenerate": {
      if (writtenVersion) return { version: writtenVersion.number };
      const brief = request.brief ?? (await briefOfDraft(db, shopId, draftId)).brief;
      const content = await provider.writeDraft(brief, { signal });
      const version = await writeVersion(db, {
        shopId,
        draftId,
        source: "regenerate",
        jobId: job.id,
        actor,
        brief,
        content,
      });
      return { version: version.number };
    }
    case "draft.rewrite": {
      if (writtenVersion) return { version: writtenVersion.number };
      const { brief } = await briefOfDraft(db, shopId, draftId);
      const base = versionContent(await readVersion(db, shopId, draftId, request.baseVersion));
      const rewritten = await provider.rewrite(
        { brief, draft: base, instruction: request.instruction, selection: request.selection },
        { signal },
      );
      const bodyHtml =
        request.selection === null ? rewritten : spliceSelection(base.bodyHtml, request.selection, rewritten);
      const version = await writeVersion(db, {
        shopId,
        draftId,
        source: "rewrite",
        jobId: job.id,
        actor,
        brief,
        content: { ...base, bodyHtml },
      });
      return { version: version.number };
    }
    case "cover.generate": {
      if (writtenCover) return { coverId: writtenCover.id };
      const { brief, version } = await briefOfDraft(db, shopId, draftId);
      const content = versionContent(version);
      const cover = await provider.drawCover(
        { brief, title: content.title, excerpt: content.excerpt },
        { signal },
      );
      return { coverId: (await attachCover(db, { shopId, draftId, jobId: job.id, cover })).id };
    }
    case "automation.run": {
      if (!saveArticle) throw new ArticleNotSaved("Saving to Shopify is not available. Nothing was charged.");
      const version =
        writtenVersion ??
        (await writeVersion(db, {
          shopId,
          draftId,
          source: "generate",
          jobId: job.id,
          actor,
          brief: request.brief,
          content: await provider.writeDraft(request.brief, { signal }),
        }));
      const saved = await saveArticle({
        shopId,
        draftId,
        blogId: request.blogId,
        publishAt: request.publishAt === null ? null : new Date(request.publishAt),
      });
      return { version: version.number, articleId: saved.articleId, adminUrl: saved.adminUrl };
    }
  }
}

function isExpected(error: unknown) {
  return (
    error instanceof AiError ||
    error instanceof JobAbandoned ||
    error instanceof ArticleNotSaved ||
    error instanceof ContentNotFound ||
    error instanceof InvalidContent ||
    error instanceof LedgerError
  );
}

/**
 * What the page says when a job failed: always that nothing was charged, why when it is known, and what
 * happens next: a merchant may try again; an automation's run is not retried, its next slot runs.
 */
function failureMessage(error: unknown, kind: string): string {
  const again =
    kind === "automation.run"
      ? "The automation's next run goes ahead as scheduled."
      : "Try again in a minute.";
  if (error instanceof AiError)
    return error.passing
      ? `${error.message} Nothing was charged. ${again}`
      : `${error.message} Nothing was charged.`;
  if (error instanceof JobAbandoned || error instanceof ArticleNotSaved) return error.message;
  if (error instanceof ContentNotFound) return `The ${error.kind} was deleted. Nothing was charged.`;
  if (error instanceof InvalidContent) return `${error.message}. Nothing was charged.`;
  if (error instanceof LedgerError && error.code === "insufficient_credits")
    return "Not enough credits for this job. Nothing was charged.";
  return `Something went wrong on our side. Nothing was charged. ${again}`;
}
