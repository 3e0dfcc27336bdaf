// An automation's run log: every scheduled slot with its outcome (the saved draft in the app and its article
// in Shopify, or why it failed or was skipped), the credits it spent and how long it took; newest first,
// paged by cursor.
import { Link as RemixLink } from "@remix-run/react";
import {
  BlockStack,
  Box,
  IndexTable,
  InlineStack,
  Link,
  Pagination,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import type { RunStatus } from "../automations/types";
import { RunOutcomeBadge } from "./AutomationBadges";

/** One run as the loader formats it (times in the shop's time zone). */
export interface RunLine {
  id: string;
  when: string;
  status: RunStatus;
  topic: string | null;
  reason: string | null;
  draftUrl: string | null;
  articleUrl: string | null;
  credits: string;
  duration: string | null;
}

function Outcome({ run }: { run: RunLine }) {
  return (
    <BlockStack gap="100">
      {run.topic && <Text as="span">{run.topic}</Text>}
      {run.reason && (
        <Text as="span" tone={run.status === "failed" ? "critical" : "subdued"}>
          {run.reason}
        </Text>
      )}
      {(run.draftUrl || run.articleUrl) && (
        <InlineStack gap="300">
          {run.draftUrl && (
            <RemixLink to={run.draftUrl} aria-label={`Open the draft${run.topic ? ` "${run.topic}"` : ""}`}>
              Open the draft
            </RemixLink>
          )}
          {run.articleUrl && (
            <Link url={run.articleUrl} target="_top">
              Article in Shopify
            </Link>
          )}
        </InlineStack>
      )}
    </BlockStack>
  );
}

export function AutomationRunLog({
  runs,
  newestUrl,
  olderUrl,
}: {
  runs: RunLine[];
  /** The log's first page, when this is a later one. */
  newestUrl: string | null;
  olderUrl: string | null;
}) {
  const condensed = useBreakpoints().smDown;
  if (runs.length === 0 && !newestUrl)
    return (
      <Box padding="400">
        <Text as="p" tone="subdued">
          No runs yet. Each scheduled slot shows here with its outcome, whether it saved a draft, failed or
          was skipped.
        </Text>
      </Box>
    );
  return (
    <BlockStack gap="200">
      <IndexTable
        resourceName={{ singular: "run", plural: "runs" }}
        itemCount={runs.length}
        selectable={false}
        condensed={condensed}
        headings={[
          { title: "Slot" },
          { title: "Outcome" },
          { title: "Details" },
          { title: "Credits", alignment: "end" },
          { title: "Duration", alignment: "end" },
        ]}
      >
        {runs.map((run, index) =>
          condensed ? (
            <IndexTable.Row id={run.id} key={run.id} position={index}>
              <Box paddingInline="300" paddingBlock="200">
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" fontWeight="semibold">
                      {run.when}
                    </Text>
                    <RunOutcomeBadge status={run.status} />
                  </InlineStack>
                  <Outcome run={run} />
                  <Text as="span" tone="subdued">
                    {[run.credits, run.duration].filter(Boolean).join(" · ")}
                  </Text>
                </BlockStack>
              </Box>
            </IndexTable.Row>
          ) : (
            <IndexTable.Row id={run.id} key={run.id} position={index}>
              <IndexTable.Cell>{run.when}</IndexTable.Cell>
              <IndexTable.Cell>
                <RunOutcomeBadge status={run.status} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Outcome run={run} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {run.credits}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {run.duration ?? "—"}
                </Text>
              </IndexTable.Cell>
            </IndexTable.Row>
          ),
        )}
      </IndexTable>
      {(newestUrl || olderUrl) && (
        <Box padding="300">
          <InlineStack align="center">
            <Pagination
              hasPrevious={newestUrl !== null}
              previousURL={newestUrl ?? undefined}
              previousTooltip="Newest runs"
              hasNext={olderUrl !== null}
              nextURL={olderUrl ?? undefined}
              nextTooltip="Older runs"
              label="Newest first"
            />
          </InlineStack>
        </Box>
      )}
    </BlockStack>
  );
}
