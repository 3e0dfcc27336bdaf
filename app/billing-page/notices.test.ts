import { expect, test } from "vitest";
import { noticeFrom, planNotice, topUpNotice, type NoticeState } from "./notices";

const DEC_19 = new Date("2026-12-19T10:00:00Z");
const onGrowth: NoticeState = {
  planKey: "growth",
  nextPlanKey: "growth",
  cycleEnd: DEC_19,
  formatDate: (date) => date.toISOString().slice(0, 10),
};
const shown = (query: Record<string, string>, state = onGrowth) =>
  noticeFrom(new URLSearchParams(query), state);

test("the return route's codes read back as the notice they name, when the shop's state agrees", () => {
  expect(shown(planNotice("Growth", "now"))).toEqual({
    tone: "success",
    text: "Growth plan approved.",
    toast: true,
  });
  expect(shown(planNotice("Starter", "next-cycle"), { ...onGrowth, nextPlanKey: "starter" })).toEqual({
    tone: "success",
    text: "Starter starts on 2026-12-19.",
    toast: true,
  });
  expect(shown(planNotice("Pro", "DECLINED"))).toEqual({
    tone: "critical",
    text: "Pro plan not approved (declined).",
    toast: false,
  });
  expect(shown(topUpNotice("Top-up: 500 credits", true, "ACTIVE"))).toEqual({
    tone: "success",
    text: "500 credits added.",
    toast: true,
  });
  expect(shown(topUpNotice("Top-up: 100 credits", false, "PENDING"))).toMatchObject({
    tone: "warning",
    text: expect.stringMatching(/^Top-up: 100 credits: Shopify has not confirmed the payment yet/),
  });
  expect(shown(topUpNotice("Top-up: 25 credits", false, "EXPIRED"))).toEqual({
    tone: "critical",
    text: "Top-up: 25 credits not bought (expired).",
    toast: false,
  });
});

test("a notice the shop's state contradicts shows nothing: never 'Starter approved' under Growth", () => {
  // A scheduled downgrade: the page shows Growth now, Starter from the cycle's end.
  const scheduled = { ...onGrowth, nextPlanKey: "starter" };
  expect(shown(planNotice("Starter", "now"), scheduled)).toBeNull();
  // Undone since: the link's "Starter starts on" no longer holds.
  expect(shown(planNotice("Starter", "next-cycle"), onGrowth)).toBeNull();
  expect(shown(planNotice("Growth", "next-cycle"), onGrowth)).toBeNull();
  expect(shown(planNotice("Starter", "next-cycle"), { ...scheduled, cycleEnd: null })).toBeNull();
});

test("a charge that names no plan or pack of the catalog asks for no notice", () => {
  expect(planNotice("Platinum", "now")).toEqual({});
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
    { notice: "plan-scheduled", plan: "free" },
    { notice: "plan-not-approved", plan: "pro" },
    { notice: "plan-not-approved", plan: "pro", status: "suspended" },
    { notice: "top-up-added", pack: "pack-1000" },
    { notice: "top-up-pending", pack: "pack-1000" },
    { notice: "top-up-not-bought", pack: "pack-25", status: "<b>declined</b>" },
  ];
  for (const query of queries) expect(shown(query), JSON.stringify(query)).toBeNull();
});
