// The offline writer's rewrites: fixed transformations of the HTML's text, never of its tags, so valid HTML
// stays valid. Each one changes the text (or says why it cannot); a free-text instruction is matched to the
// closest transformation by its words, and otherwise the wording is tightened.
import { AiError, type RewriteRequest } from "./provider";
import { escapeHtml } from "./text";

type Kind = "shorter" | "friendlier" | "seo" | "formal" | "tighter";

/** Which transformation an instruction asks for, by its words. */
export function rewriteKind(instruction: string): Kind {
  const words = instruction.toLowerCase();
  if (/\b(short|shorter|concise|brief|trim|cut)\b/.test(words)) return "shorter";
  if (/\bseo\b|keyword|search/.test(words)) return "seo";
  if (/friend|casual|warm|playful|fun\b/.test(words)) return "friendlier";
  if (/formal|professional|serious/.test(words)) return "formal";
  return "tighter";
}

const INLINE = /^<\/?(a|strong|em|b|i|u|span|code|mark|small|sub|sup)\b/i;

/** A text unit's sentences, as HTML; a sentence never ends inside an inline tag such as a link. */
function sentences(unit: string): string[] {
  const result: string[] = [];
  let current = "";
  let depth = 0;
  for (const token of unit.split(/(<[^>]*>)/)) {
    if (token.startsWith("<")) {
      if (INLINE.test(token)) depth += token.startsWith("</") ? -1 : 1;
      current += token;
      continue;
    }
    if (depth > 0) {
      current += token;
      continue;
    }
    const parts = token.split(/(?<=[.!?])\s+/);
    parts.forEach((part, index) => {
      current += part;
      if (index < parts.length - 1) {
        result.push(current);
        current = "";
      }
    });
  }
  if (current.trim() !== "") result.push(current);
  return result.map((sentence) => sentence.trim()).filter(Boolean);
}

/** Applies `change` to each text unit: the inside of every <p> and <li>, or the whole fragment when it has none. */
function mapUnits(html: string, change: (unit: string, index: number) => string): string {
  let index = 0;
  const mapped = html.replace(
    /(<(p|li)\b[^>]*>)([\s\S]*?)(<\/\2>)/gi,
    (_match, open: string, _tag: string, inner: string, close: string) =>
      open + change(inner, index++) + close,
  );
  return index > 0 ? mapped : change(html, 0);
}

/** Applies `change` to the text between tags only. */
const mapText = (html: string, change: (text: string) => string) =>
  html
    .split(/(<[^>]*>)/)
    .map((token) => (token.startsWith("<") ? token : change(token)))
    .join("");

/** Replaces whole words, keeping a capital first letter. */
function replaceWords(text: string, pairs: [string, string][]): string {
  return pairs.reduce(
    (result, [from, to]) =>
      result.replace(new RegExp(`\\b${from}\\b`, "gi"), (found) =>
        found[0] === found[0]!.toUpperCase() ? to.charAt(0).toUpperCase() + to.slice(1) : to,
      ),
    text,
  );
}

const CONTRACTIONS: [string, string][] = [
  ["do not", "don't"],
  ["does not", "doesn't"],
  ["is not", "isn't"],
  ["are not", "aren't"],
  ["cannot", "can't"],
  ["will not", "won't"],
  ["you will", "you'll"],
  ["you are", "you're"],
  ["it is", "it's"],
  ["that is", "that's"],
  ["there is", "there's"],
  ["we are", "we're"],
  ["let us", "let's"],
];

const FRIENDLY_WORDS: [string, string][] = [
  ["purchase", "buy"],
  ["utilize", "use"],
  ["however", "that said"],
  ["therefore", "so"],
  ["in addition", "plus"],
  ["approximately", "about"],
];

const FILLER = /\s+\b(really|very|simply|just|actually|quite|basically)\b/gi;

function shorter(html: string): string {
  const condensed = mapUnits(html, (unit) => {
    const all = sentences(unit);
    return all.length < 2 ? unit : all.slice(0, Math.ceil(all.length / 2)).join(" ");
  });
  const trimmed = mapText(condensed, (text) => text.replace(FILLER, ""));
  if (trimmed !== html) return trimmed;
  // One short sentence left: drop its last clause.
  const clipped = mapUnits(html, (unit) => unit.replace(/,[^,<>]*([.!?])\s*$/, "$1"));
  if (clipped !== html) return clipped;
  throw new AiError("refused", "This passage is already as short as the offline writer can make it.");
}

function friendlier(html: string): string {
  const warmer = mapText(html, (text) => replaceWords(text, [...CONTRACTIONS, ...FRIENDLY_WORDS]));
  if (warmer !== html) return warmer;
  const last = countUnits(html) - 1;
  return mapUnits(html, (unit, index) => (index === last ? `${unit.trimEnd()} You've got this!` : unit));
}

function formal(html: string): string {
  const expanded = mapText(html, (text) =>
    replaceWords(
      text,
      CONTRACTIONS.map(([long, short]) => [short, long]),
    ),
  );
  return expanded !== html ? expanded : tighter(html);
}

/** Filler words out, semicolons made full stops. */
function tighter(html: string): string {
  const tightened = mapText(html, (text) =>
    text.replace(FILLER, "").replace(/;\s+([a-z])/g, (_match, letter: string) => `. ${letter.toUpperCase()}`),
  );
  return tightened !== html ? tightened : shorter(html);
}

function seo(html: string, keywords: string[]): string {
  const [primary, ...others] = keywords.map(escapeHtml);
  if (primary === undefined) return tighter(html);
  const has = (text: string, keyword: string) => text.toLowerCase().includes(keyword.toLowerCase());
  const lastUnit = countUnits(html) - 1;
  let missing = others.filter((keyword) => !has(html, keyword));
  let result = mapUnits(html, (unit, index) => {
    let next = unit;
    if (index === 0 && !has(unit, primary))
      next = `Here is what to know about ${primary}. ${next.trimStart()}`;
    // The keywords the text lacks, one per unit, the remainder in the last one.
    const take = index === lastUnit ? missing : missing.slice(0, 1);
    missing = missing.slice(take.length);
    return take.reduce((text, keyword) => `${text.trimEnd()} This matters for ${keyword} too.`, next);
  });
  if (result === html) {
    // Every keyword is there already: give the primary one emphasis where it first appears in plain text.
    let done = false;
    result = mapUnits(html, (unit) => {
      if (done || /<strong\b/i.test(unit)) return unit;
      const emphasized = mapText(unit, (text) => {
        if (done) return text;
        const at = text.toLowerCase().indexOf(primary.toLowerCase());
        if (at < 0) return text;
        done = true;
        return `${text.slice(0, at)}<strong>${text.slice(at, at + primary.length)}</strong>${text.slice(at + primary.length)}`;
      });
      return emphasized;
    });
  }
  return result !== html ? result : friendlier(html);
}

function countUnits(html: string): number {
  let count = 0;
  mapUnits(html, (unit) => {
    count++;
    return unit;
  });
  return count;
}

/** The rewritten selection, or the whole body when there is none. */
export function rewriteOffline(request: RewriteRequest): string {
  const html = request.selection ?? request.draft.bodyHtml;
  if (html.trim() === "") throw new AiError("invalid_output", "There is no text to rewrite.");
  switch (rewriteKind(request.instruction)) {
    case "shorter":
      return shorter(html);
    case "friendlier":
      return friendlier(html);
    case "seo":
      return seo(html, request.brief.keywords);
    case "formal":
      return formal(html);
    case "tighter":
      return tighter(html);
  }
}
