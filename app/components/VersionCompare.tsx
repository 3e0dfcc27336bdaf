// Two versions of a draft side by side, field by field: removed words struck through on the left, added
// ones marked on the right (compareVersions' parts).
import { Link as RemixLink } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { CSSProperties } from "react";
import type { DiffPart } from "../content/compare";

/** One field of the comparison, as the loader sends it (compareVersions kept on the server). */
export interface ComparedFieldView {
  field: string;
  label: string;
  parts: DiffPart[];
  changed: boolean;
}

const REMOVED: CSSProperties = { background: "#fed3d1", textDecoration: "line-through" };
const ADDED: CSSProperties = { background: "#c1f0d0" };

function Side({ parts, side }: { parts: DiffPart[]; side: "before" | "after" }) {
  return (
    <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
      {parts.map((part, i) => {
        if (side === "before" && part.added) return null;
        if (side === "after" && part.removed) return null;
        if (part.removed)
          return (
            <del key={i} style={REMOVED}>
              {part.value}
            </del>
          );
        if (part.added)
          return (
            <ins key={i} style={ADDED}>
              {part.value}
            </ins>
          );
        return <span key={i}>{part.value}</span>;
      })}
    </div>
  );
}

export function VersionCompare({
  a,
  b,
  comparison,
  closeUrl,
}: {
  a: number;
  b: number;
  comparison: ComparedFieldView[];
  closeUrl: string;
}) {
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{`Version ${a} and version ${b}`}</Text>
          <RemixLink to={closeUrl}>Close comparison</RemixLink>
        </InlineStack>
        {comparison.map(({ field, label, parts, changed }) => {
          return (
            <BlockStack gap="100" key={field}>
              <Text as="h3" variant="headingSm">
                {changed ? label : `${label} (unchanged)`}
              </Text>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                <BlockStack gap="050">
                  <Text as="span" tone="subdued">{`Version ${a}`}</Text>
                  <Side parts={parts} side="before" />
                </BlockStack>
                <BlockStack gap="050">
                  <Text as="span" tone="subdued">{`Version ${b}`}</Text>
                  <Side parts={parts} side="after" />
                </BlockStack>
              </InlineGrid>
            </BlockStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
