import { Badge } from "@shopify/polaris";
import type { DraftStatus } from "../content/drafts.server";

const BADGES: Record<DraftStatus, { text: string; tone?: "success" | "attention" }> = {
  draft: { text: "Draft" },
  saved: { text: "Saved to Shopify", tone: "success" },
  "changed since saved": { text: "Changed since saved", tone: "attention" },
};

export function DraftStatusBadge({ status }: { status: DraftStatus }) {
  const badge = BADGES[status];
  return <Badge {...(badge.tone ? { tone: badge.tone } : {})}>{badge.text}</Badge>;
}
