import { describe, expect, test } from "vitest";
import type { DraftContent } from "../ai/provider";
import { compareVersions, hasChanges, spliceSelection } from "./compare";
import { InvalidContent } from "./errors";
import { htmlTextLines } from "./html";

const base: DraftContent = {
  title: "Brewing pour over coffee",
  outline: [],
  bodyHtml: "<h2>Beans</h2><p>Use fresh beans.</p><h2>Grind</h2><p>Grind medium fine.</p>",
  metaTitle: "Pour over guide",
  metaDescription: "How to brew.",
  excerpt: "Brew better.",
  tags: ["coffee", "guides"],
  handle: "pour-over",
};

describe("compareVersions", () => {
  test("marks the words that changed in a one-line field, and nothing in unchanged fields", () => {
    const result = compareVersions(base, { ...base, title: "Brewing cold brew coffee", tags: ["coffee"] });
    expect(result.title).toEqual([
      { value: "Brewing " },
      { value: "pour over", removed: true },
      { value: "cold brew", added: true },
      { value: " coffee" },
    ]);
    expect(hasChanges(result.tags)).toBe(true);
    expect(result.handle).toEqual([{ value: "pour-over" }]);
    expect(hasChanges(result.body)).toBe(false);
  });

  test("compares the body as the reader's text, line by line, ignoring markup-only changes", () => {
    const edited = {
      ...base,
      bodyHtml:
        '<h2>Beans</h2>\n<p class="x">Use  fresh beans.</p><h2>Grind</h2><p>Grind coarse for French press.</p>',
    };
    expect(compareVersions(base, edited).body).toEqual([
      { value: "Beans\nUse fresh beans.\nGrind\n" },
      { value: "Grind medium fine.\n", removed: true },
      { value: "Grind coarse for French press.\n", added: true },
    ]);
  });
});

describe("htmlTextLines", () => {
  test("one line per block, entities decoded, scripts and comments dropped", () => {
    expect(
      htmlTextLines(
        "<h2>Tea &amp; coffee</h2><!-- note --><p>One<br>two <a href='/x'>link</a></p><script>alert(1)</script><ul><li>a</li><li>b&#233;</li></ul>",
      ),
    ).toEqual(["Tea & coffee", "One", "two link", "a", "bé"]);
  });
});

describe("spliceSelection", () => {
  test("replaces the one occurrence of the selection", () => {
    expect(
      spliceSelection(base.bodyHtml, "<p>Use fresh beans.</p>", "<p>Buy beans roasted this week.</p>"),
    ).toBe("<h2>Beans</h2><p>Buy beans roasted this week.</p><h2>Grind</h2><p>Grind medium fine.</p>");
  });

  test.each([
    ["not in the body", "<p>Gone</p>", /not in the current version/],
    ["empty", "", /not in the current version/],
    ["twice in the body", "<h2>", /more than once/],
  ])("a selection %s is refused", (_, selection, message) => {
    let error: unknown;
    try {
      spliceSelection(base.bodyHtml, selection, "x");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidContent);
    expect((error as InvalidContent).fieldErrors.selection).toMatch(message);
  });
});
