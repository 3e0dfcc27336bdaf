// A small, tolerant scanner for the article HTML the writer and the editor produce (headings, paragraphs,
// lists, links, images). It is not a parser: it reads tags and text in order, does not build a tree and
// does not fix broken markup. Comments, <script> and <style> content are skipped.

export type HtmlToken =
  | { type: "open"; name: string; attrs: Record<string, string> }
  | { type: "close"; name: string }
  | { type: "text"; text: string };

const TAG =
  /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const RAW_TEXT = new Set(["script", "style"]);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function scanHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let last = 0;
  let skipUntil: string | null = null;
  const pushText = (raw: string) => {
    if (!skipUntil && raw) tokens.push({ type: "text", text: decodeEntities(raw) });
  };
  for (const match of html.matchAll(TAG)) {
    pushText(html.slice(last, match.index));
    last = match.index + match[0].length;
    const [, slash, rawName, rawAttrs = ""] = match;
    if (!rawName) continue; // a comment
    const name = rawName.toLowerCase();
    if (skipUntil) {
      if (slash && name === skipUntil) skipUntil = null;
      continue;
    }
    if (slash) {
      tokens.push({ type: "close", name });
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const attr of rawAttrs.matchAll(ATTR)) {
      const key = attr[1]!.toLowerCase();
      attrs[key] ??= decodeEntities(attr[2] ?? attr[3] ?? attr[4] ?? "");
    }
    tokens.push({ type: "open", name, attrs });
    if (RAW_TEXT.has(name)) skipUntil = name;
  }
  pushText(html.slice(last));
  return tokens;
}

const BLOCK = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "li",
  "ul",
  "ol",
  "blockquote",
  "div",
  "br",
  "tr",
  "table",
  "figure",
  "figcaption",
  "section",
  "article",
  "hr",
  "pre",
]);

/** The text a reader sees, one line per block (paragraph, heading, list item), whitespace collapsed. */
export function htmlTextLines(html: string): string[] {
  const lines: string[] = [];
  let current = "";
  const flush = () => {
    const line = current.replace(/\s+/g, " ").trim();
    if (line) lines.push(line);
    current = "";
  };
  for (const token of scanHtml(html)) {
    if (token.type === "text") current += token.text;
    else if (BLOCK.has(token.name)) flush();
  }
  flush();
  return lines;
}

/** Words of running text: runs of letters or digits (apostrophes and hyphens inside a word kept). */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}
