// The one use case that spends credits, for every paid action of the content studio (and, later,
// automations): reserve at submit → the provider's work in a job → capture, or release on failure.
export { jobActions, quote, REWRITE_LIMITS } from "./job-request";
export type { JobKind, JobRequest, JobStatus, JobView, Quote } from "./job-request";
export { latestResearch, pendingJobs, readJob } from "./read-jobs.server";
export { JOB_LEASE_MS, MAX_JOB_ATTEMPTS, runJob } from "./run-job.server";
export { JOB_RESERVATION_MS, reservationKeyOf, submitJob, type SubmitJobInput } from "./submit-job.server";
