// Jobs as pages follow them. Every read is scoped by shop: another shop's job id is not found.
import type { Job } from "@prisma-generated/sqlite";
import type { TopicIdea } from "../ai/provider";
import { ContentNotFound } from "../content/errors";
import type { Db } from "../db/connect.server";
import type { JobKind, JobStatus, JobView } from "./job-request";

function ideasOf(job: Job): TopicIdea[] | null {
  if (job.kind !== "topic.research" || job.status !== "succeeded" || !job.result) return null;
  try {
    const result = JSON.parse(job.result) as { ideas?: unknown };
    return Array.isArray(result.ideas) ? (result.ideas as TopicIdea[]) : null;
  } catch {
    return null;
  }
}

export function jobView(job: Job): JobView {
  return {
    id: job.id,
    kind: job.kind as JobKind,
    status: job.status as JobStatus,
    credits: job.credits,
    draftId: job.draftId,
    briefId: job.briefId,
    error: job.status === "failed" ? job.error : null,
    ideas: ideasOf(job),
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export async function readJob(db: Db, shopId: string, jobId: string): Promise<JobView> {
  const job = await db.job.findFirst({ where: { id: jobId, shopId } });
  if (!job) throw new ContentNotFound("job");
  return jobView(job);
}

/** The brief's newest finished research, for its ideas to stay on the page. */
export async function latestResearch(db: Db, shopId: string, briefId: string): Promise<JobView | null> {
  const job = await db.job.findFirst({
    where: { shopId, briefId, kind: "topic.research", status: { in: ["succeeded", "failed"] } },
    orderBy: { createdAt: "desc" },
  });
  return job ? jobView(job) : null;
}

/** Work in progress, so a reload shows it still running. */
export async function pendingJobs(
  db: Db,
  shopId: string,
  { draftId, briefId }: { draftId?: string; briefId?: string } = {},
): Promise<JobView[]> {
  const jobs = await db.job.findMany({
    where: { shopId, status: { in: ["queued", "running"] }, draftId, briefId },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return jobs.map(jobView);
}
