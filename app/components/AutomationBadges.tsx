// An automation's status and a run's outcome as Polaris badges: the words the list, the page and the run
// log share.
import { Badge } from "@shopify/polaris";
import type { AutomationStatus, RunStatus } from "../automations/types";

type Tone = "success" | "attention" | "critical" | "info" | undefined;

const AUTOMATION: Record<AutomationStatus, { text: string; tone: Tone }> = {
  active: { text: "Active", tone: "success" },
  paused: { text: "Paused", tone: "attention" },
};

export const RUN_OUTCOMES: Record<RunStatus, { text: string; tone: Tone }> = {
  queued: { text: "Queued", tone: "info" },
  running: { text: "Running", tone: "info" },
  saved: { text: "Draft saved", tone: "success" },
  failed: { text: "Failed", tone: "critical" },
  skipped: { text: "Skipped", tone: "attention" },
};

const badge = ({ text, tone }: { text: string; tone: Tone }) => (
  <Badge {...(tone ? { tone } : {})}>{text}</Badge>
);

export function AutomationStatusBadge({ status }: { status: AutomationStatus }) {
  return badge(AUTOMATION[status]);
}

export function RunOutcomeBadge({ status }: { status: RunStatus }) {
  return badge(RUN_OUTCOMES[status]);
}
