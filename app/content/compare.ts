// Two versions side by side, field by field, and the splice of a rewritten selection into a body.
// Plain TypeScript; the word and line diffs come from the `diff` package.
import { diffLines, diffWords, type Change } from "diff";
import type { DraftContent } from "../ai/provider";
import { InvalidContent } from "./errors";
import { htmlTextLines } from "./html";

export interface DiffPart {
  value: string;
  added?: boolean;
  removed?: boolean;
}

export const COMPARED_FIELDS = [
  { field: "title", label: "Title" },
  { field: "metaTitle", label: "Meta title" },
  { field: "metaDescription", label: "Meta description" },
  { field: "excerpt", label: "Excerpt" },
  { field: "tags", label: "Tags" },
  { field: "handle", label: "Handle" },
  { field: "body", label: "Body" },
] as const;

export type ComparedField = (typeof COMPARED_FIELDS)[number]["field"];

export type VersionComparison = Record<ComparedField, DiffPart[]>;

function parts(changes: Change[]): DiffPart[] {
  return changes.map(({ value, added, removed }) => ({
    value,
    ...(added ? { added: true } : {}),
    ...(removed ? { removed: true } : {}),
  }));
}

/** Whether a field's parts hold any change. */
export const hasChanges = (parts: DiffPart[]) => parts.some((part) => part.added || part.removed);

/** Which words (one-line fields) or lines of text (the body, as a reader sees it) changed from a to b. */
export function compareVersions(a: DraftContent, b: DraftContent): VersionComparison {
  const words = (x: string, y: string) => parts(diffWords(x, y));
  const bodyText = (content: DraftContent) =>
    htmlTextLines(content.bodyHtml)
      .map((line) => `${line}\n`)
      .join("");
  return {
    title: words(a.title, b.title),
    metaTitle: words(a.metaTitle, b.metaTitle),
    metaDescription: words(a.metaDescription, b.metaDescription),
    excerpt: words(a.excerpt, b.excerpt),
    tags: words(a.tags.join(", "), b.tags.join(", ")),
    handle: words(a.handle, b.handle),
    body: parts(diffLines(bodyText(a), bodyText(b))),
  };
}

/** The body with its one occurrence of `selection` replaced; a selection found nowhere or twice is refused. */
export function spliceSelection(bodyHtml: string, selection: string, replacement: string): string {
  const at = selection ? bodyHtml.indexOf(selection) : -1;
  if (at < 0)
    throw new InvalidContent({
      selection: "The selected passage is not in the current version; select it again",
    });
  if (bodyHtml.indexOf(selection, at + 1) >= 0)
    throw new InvalidContent({
      selection: "The selected passage appears more than once; select a longer passage",
    });
  return bodyHtml.slice(0, at) + replacement + bodyHtml.slice(at + selection.length);
}
