import { describe, expect, test } from "vitest";
import { ACTIONS, isAction, PRICES, priceOf } from "./prices";

describe("prices", () => {
  test("each action costs what the product promises", () => {
    expect(PRICES).toEqual({
      "topic.research": 0,
      "draft.generate": 2,
      "draft.regenerate": 2,
      "automation.run": 2,
      "cover.generate": 1,
      "draft.rewrite": 1,
    });
  });

  test("a draft with a cover costs the sum, 3", () => {
    expect(priceOf(["draft.generate", "cover.generate"])).toBe(3);
    expect(priceOf(["draft.rewrite", "cover.generate"])).toBe(2);
  });

  test("only listed actions are actions", () => {
    expect(ACTIONS).toHaveLength(6);
    expect(isAction("draft.generate")).toBe(true);
    expect(isAction("draft.delete")).toBe(false);
    expect(isAction("toString")).toBe(false);
    expect(isAction(2)).toBe(false);
  });
});
