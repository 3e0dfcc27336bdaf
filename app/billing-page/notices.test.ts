import { expect, test } from "vitest";
import { noticeFrom, planNotice, topUpNotice } from "./notices";

const shown = (query: Record<string, string>) => noticeFrom(new URLSearchParams(query));

test("the return route's codes read back as the banner they name", () => {
  expect(shown(planNotice("Growth", "ACTIVE"))).toEqual({ tone: "success", text: "Growth plan approved." });
  expect(shown(planNotice("Starter", "ACCEPTED"))).toEqual({
    tone: "success",
    text: "Starter plan approved.",
  });
  expect(shown(planNotice("Pro", "DECLINED"))).toEqual({
    tone: "critical",
    text: "Pro plan not approved (declined).",
  });
  expect(shown(topUpNotice("Top-up: 500 credits", true, "ACTIVE"))).toEqual({
    tone: "success",
    text: "500 credits added.",
  });
  expect(shown(topUpNotice("Top-up: 25 credits", false, "EXPIRED"))).toEqual({
    tone: "critical",
    text: "Top-up: 25 credits not bought (expired).",
  });
});

test("a charge that names no plan or pack of the catalog asks for no banner", () => {
  expect(planNotice("Platinum", "ACTIVE")).toEqual({});
  expect(topUpNotice("Free credits", true, "ACTIVE")).toEqual({});
  expect(shown({})).toBeNull();
});

test("text, tones, unknown codes, keys and statuses from a link show nothing", () => {
  const queries: Record<string, string>[] = [
    { message: "Your store is suspended", tone: "critical" },
    { notice: "Your store is suspended" },
    { notice: "plan-approved" },
    { notice: "plan-approved", plan: "free" },
    { notice: "plan-approved", plan: "Starter" },
    { notice: "plan-not-approved", plan: "pro" },
    { notice: "plan-not-approved", plan: "pro", status: "suspended" },
    { notice: "top-up-added", pack: "pack-1000" },
    { notice: "top-up-not-bought", pack: "pack-25", status: "<b>declined</b>" },
  ];
  for (const query of queries) expect(shown(query), JSON.stringify(query)).toBeNull();
});
