import { expect, test } from "vitest";
import { planChange, scheduledChange } from "./plan-changes.server";
import { planByKey } from "./plans";

const END = new Date("2026-12-19T00:00:00Z");
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 0, minutes));
const sub = (id: string, planKey: string, status: string, observed = 0) => ({
  id,
  planKey,
  status,
  test: false,
  observedAt: at(observed),
});

test("a change is named by the allowance: more credits is an upgrade, fewer a downgrade", () => {
  expect(planChange(planByKey("starter")!, planByKey("growth")!)).toBe("upgrade");
  expect(planChange(planByKey("growth")!, planByKey("free")!)).toBe("downgrade");
  expect(planChange(planByKey("pro")!, planByKey("pro")!)).toBe("same");
});

test("what the end of the cycle changes: a waiting downgrade, a switched one, a cancellation, or nothing", () => {
  const growth = { planKey: "growth", cycleEnd: END };
  expect(scheduledChange(growth, [sub("g", "growth", "ACTIVE")])).toBeNull();
  expect(scheduledChange(growth, [sub("g", "growth", "ACTIVE"), sub("s", "starter", "PENDING", 1)])).toEqual({
    kind: "downgrade",
    plan: planByKey("starter"),
    from: END,
    waitingId: "s",
  });
  // Shopify switched at once: nothing waits on Shopify, the next cycle is still Starter's.
  expect(
    scheduledChange(growth, [sub("g", "growth", "CANCELLED", 1), sub("s", "starter", "ACTIVE", 1)]),
  ).toMatchObject({ kind: "downgrade", waitingId: null });
  expect(scheduledChange(growth, [sub("g", "growth", "CANCELLED", 1)])).toMatchObject({
    kind: "cancel",
    plan: planByKey("free"),
    from: END,
  });
  // A frozen plan is not ending: it resumes when Shopify unfreezes it.
  expect(scheduledChange(growth, [sub("g", "growth", "FROZEN", 1)])).toBeNull();
  expect(scheduledChange({ planKey: "free", cycleEnd: END }, [])).toBeNull();
  expect(scheduledChange({ planKey: "growth", cycleEnd: null }, [])).toBeNull();
});
