// The request half of the one spending use case: validate against the shop's own records, bring its cycle
// up to date, hold the price, queue the work. The page's submit key names the job, and the job names the
// reservation (`job:<id>`), so a double click, a retried request or a racer with the same key reaches
// the same job and the same hold: one debit at most.
import { createHash } from "node:crypto";
import { ensureCurrentCycle } from "../billing/cycle.server";
import { findBrief } from "../content/briefs.server";
import { findDraft } from "../content/drafts.server";
import { isBlogId } from "../content/blog";
import { BRIEF_LIMITS } from "../content/brief";
import { InvalidContent } from "../content/errors";
import type { Db } from "../db/connect.server";
import { cuid } from "../ledger/cuid";
import { IdempotencyConflict, InsufficientCredits } from "../ledger/errors";
import { priceOf } from "../ledger/prices";
import { reserveCredits } from "../ledger/reserve-credits.server";
import { queueFor, type JobQueue } from "../jobs/queue.server";
import { jobActions, REWRITE_LIMITS, type JobRequest, type JobView } from "./job-request";
import { jobView } from "./read-jobs.server";

/** Long enough for a slow model, one re-run after a crash (the runner's lease), and the sweep after it. */
export const JOB_RESERVATION_MS = 30 * 60 * 1000;

const SUBMIT_KEY = /^[A-Za-z0-9_-]{1,64}$/;

export interface SubmitJobInput {
  shopId: string;
  /** Made once per submit by the page and sent again on every retry of it. */
  idempotencyKey: string;
  /** `user:<staff id>` or `automation:<id>`: who spends, on the ledger entry. */
  actor: string;
  request: JobRequest;
  /** Credits that must stay available after the hold: an automation keeps the polishing reserve back. */
  keep?: number;
}

export function reservationKeyOf(jobId: string) {
  return `job:${jobId}`;
}

/** The draft and brief the request works on, checked to be this shop's; nothing is written here. */
async function resolveTarget(db: Db, shopId: string, request: JobRequest) {
  switch (request.kind) {
    case "topic.research":
    case "draft.generate":
      await findBrief(db, shopId, request.briefId);
      return { briefId: request.briefId, draftId: request.kind === "draft.generate" ? cuid() : null };
    case "draft.regenerate":
    case "cover.generate": {
      const draft = await findDraft(db, shopId, request.draftId);
      return { briefId: draft.briefId, draftId: draft.id };
    }
    case "draft.rewrite": {
      const instruction = request.instruction.trim();
      if (!instruction) throw new InvalidContent({ instruction: "Say how the text should change" });
      if (instruction.length > REWRITE_LIMITS.instruction)
        throw new InvalidContent({
          instruction: `Keep the instruction under ${REWRITE_LIMITS.instruction} characters`,
        });
      if (request.selection !== null && request.selection.length > REWRITE_LIMITS.selection)
        throw new InvalidContent({
          selection: `Select at most ${REWRITE_LIMITS.selection} characters to rewrite`,
        });
      const draft = await findDraft(db, shopId, request.draftId);
      if (draft.currentVersion !== request.baseVersion)
        throw new InvalidContent({
          baseVersion: "This draft changed since you opened it; reload to see the new version",
        });
      return { briefId: draft.briefId, draftId: draft.id };
    }
    case "automation.run": {
      const topic = request.brief.topic.trim();
      if (topic.length < BRIEF_LIMITS.topic.min || topic.length > BRIEF_LIMITS.topic.max)
        throw new InvalidContent({
          topic: `Give a topic of ${BRIEF_LIMITS.topic.min} to ${BRIEF_LIMITS.topic.max} characters`,
        });
      if (!isBlogId(request.blogId)) throw new InvalidContent({ blogId: "Choose one of the store's blogs" });
      if (request.publishAt !== null && Number.isNaN(Date.parse(request.publishAt)))
        throw new InvalidContent({ publishAt: "Give the publishing time as a date and time" });
      return { briefId: null, draftId: cuid() };
    }
  }
}

function fingerprintOf(request: JobRequest, actor: string) {
  return createHash("sha256").update(JSON.stringify({ request, actor })).digest("hex");
}

function isUniqueViolation(error: unknown) {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/**
 * Starts a job for the page: the same key again returns the same job (`replayed: true`). A short balance
 * throws InsufficientCredits and leaves nothing behind.
 */
export async function submitJob(
  db: Db,
  input: SubmitJobInput,
  { now = new Date(), queue = queueFor(db) }: { now?: Date; queue?: JobQueue } = {},
): Promise<{ job: JobView; replayed: boolean }> {
  const { shopId, idempotencyKey, actor, request, keep } = input;
  if (!SUBMIT_KEY.test(idempotencyKey))
    throw new InvalidContent({ submitKey: "The form is out of date; reload the page and try again" });
  const actions = jobActions(request);
  const credits = priceOf(actions);
  const print = fingerprintOf(request, actor);

  let job = await db.job.findUnique({ where: { shopId_idempotencyKey: { shopId, idempotencyKey } } });
  let replayed = job !== null;
  if (!job) {
    const target = await resolveTarget(db, shopId, request);
    try {
      job = await db.job.create({
        data: {
          shopId,
          idempotencyKey,
          kind: request.kind,
          actions: actions.join("+"),
          credits,
          fingerprint: print,
          status: "queued",
          actor,
          briefId: target.briefId,
          draftId: target.draftId,
          input: JSON.stringify(request),
          createdAt: now,
        },
      });
    } catch (error) {
      // A racer with the same key wrote it first: its job is this submit's job.
      if (!isUniqueViolation(error)) throw error;
      replayed = true;
      job = await db.job.findUniqueOrThrow({
        where: { shopId_idempotencyKey: { shopId, idempotencyKey } },
      });
    }
  }
  if (job.fingerprint !== print) throw new IdempotencyConflict(idempotencyKey);

  if (credits > 0) {
    // The allowance of a cycle that began since the last request must be there before the hold is tried.
    await ensureCurrentCycle(db, shopId, now);
    try {
      await reserveCredits(
        db,
        {
          shopId,
          idempotencyKey: reservationKeyOf(job.id),
          actions,
          actor: job.actor,
          reference: job.draftId,
          timeoutMs: JOB_RESERVATION_MS,
          keep,
        },
        now,
      );
    } catch (error) {
      // Nothing was held, so the job must not stay: a short balance writes nothing.
      if (error instanceof InsufficientCredits)
        await db.job.deleteMany({ where: { id: job.id, status: "queued" } });
      throw error;
    }
  }

  if (job.status === "queued")
    await queue?.enqueue(job.id).catch((error: unknown) => {
      // The job is in the table: recovery hands it over when the queue is back.
      console.error(`job ${job.id} was not handed to the queue`, error);
    });
  return { job: jobView(job), replayed };
}
