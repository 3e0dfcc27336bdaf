// Following a job a page submitted: polls GET /app/jobs/<id> until it succeeded or failed, and shows it.
// A page that reloads while a job is pending starts following it again from the loader's pendingJobs.
import { Banner, InlineStack, Spinner, Text } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import type { JobView } from "../credits/job-request";

const POLL_MS = 1500;

export const WRITING_DRAFT =
  "Writing your draft… this can take up to a minute; you can leave this page, the draft will be in Drafts.";

export type FollowedJob = { id: string; view: JobView | null; lost: boolean };

const finished = (view: JobView | null) => view?.status === "succeeded" || view?.status === "failed";

/** Whether the followed job still runs (its buttons stay disabled until it is done). */
export function inProgress(job: FollowedJob | null): boolean {
  return job !== null && !job.lost && !finished(job.view);
}

/**
 * The job being followed (or null), and `follow(id)` to start following one. `onSucceeded` runs once per job
 * that succeeds while followed here: navigate to its draft, reload the page's data, show its ideas.
 */
export function useJob(initial: JobView | null, onSucceeded: (job: JobView) => void) {
  const [job, setJob] = useState<FollowedJob | null>(
    initial ? { id: initial.id, view: initial, lost: false } : null,
  );
  const succeeded = useRef(onSucceeded);
  succeeded.current = onSucceeded;

  const follow = useCallback((id: string) => {
    setJob((current) => (current?.id === id ? current : { id, view: null, lost: false }));
  }, []);

  const id = job && !finished(job.view) && !job.lost ? job.id : null;
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        // App Bridge's fetch adds the session token.
        const response = await fetch(`/app/jobs/${encodeURIComponent(id)}`);
        if (stopped) return;
        if (response.status === 404) {
          setJob({ id, view: null, lost: true });
          return;
        }
        if (response.ok) {
          const { job: view } = (await response.json()) as { job: JobView };
          if (stopped) return;
          setJob({ id, view, lost: false });
          if (finished(view)) {
            if (view.status === "succeeded") succeeded.current(view);
            return;
          }
        }
      } catch {
        // A dropped connection: the job runs on without the page; try again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);

  const dismiss = useCallback(() => setJob(null), []);
  return { job, follow, dismiss };
}

/** What the merchant sees while a job runs, or when it failed. Nothing once it succeeded. */
export function JobProgress({
  job,
  working,
  onDismiss,
}: {
  job: FollowedJob | null;
  /** What is happening, e.g. WRITING_DRAFT. */
  working: string;
  onDismiss?: () => void;
}) {
  if (!job) return null;
  if (job.lost)
    return (
      <Banner tone="warning" onDismiss={onDismiss}>
        This job is no longer available. Anything it wrote is in Drafts.
      </Banner>
    );
  if (job.view?.status === "succeeded") return null;
  if (job.view?.status === "failed")
    return (
      <Banner tone="critical" title="This did not work" onDismiss={onDismiss}>
        <p>{job.view.error ?? "The AI provider did not answer."}</p>
        <p>No credits were used.</p>
      </Banner>
    );
  return (
    <div role="status" aria-live="polite">
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Spinner size="small" accessibilityLabel="In progress" />
        <Text as="p">{working}</Text>
      </InlineStack>
    </div>
  );
}
