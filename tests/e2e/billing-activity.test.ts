// The Activity Ledger tab in a real browser: `npm run dev`, the dev store's admin, the Billing page's
// "Activity Ledger" tab; a filter that matches nothing and its clear-filters action, the CSV downloaded
// through App Bridge's fetch, at 1280 and 390 px with axe-core's check.
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { embeddedSession } from "./embedded-session";

const session = embeddedSession();
const { app, pageErrors } = session;

describe("the Activity Ledger in a browser (npm run dev, dev store)", () => {
  it("shows the ledger, filters it, clears the filters and downloads the CSV, at 1280 and 390 px", async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    await session.openFromAdminNav("Billing", "Billing");
    await app().getByRole("tab", { name: "Activity Ledger" }).click();
    await app().getByRole("heading", { name: "Activity Ledger" }).waitFor({ timeout: 30_000 });
    const rows = () => app().locator(".Polaris-IndexTable__TableRow");
    await expect
      .poll(() => rows().allInnerTexts())
      .toEqual([expect.stringMatching(/Monthly allowance — Free[\s\S]*\+10[\s\S]*10[\s\S]*System/)]);
    await session.screenshot("activity-1280");

    // A filter that matches nothing, then the empty state's way back.
    await app().getByRole("button", { name: "Type" }).click();
    // By keyboard: Polaris draws its own radio over the input.
    await app().getByRole("radio", { name: "Expiries" }).focus();
    await page.keyboard.press("Space");
    await app().getByText("Nothing matches these filters").waitFor({ timeout: 15_000 });
    await page.keyboard.press("Escape");
    await app().getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => rows().count()).toBe(1);

    const download = page.waitForEvent("download");
    await app().getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^dev-store-activity-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parse(await readFile((await file.path())!, "utf8")) as string[][];
    expect(csv).toHaveLength(2);
    expect(csv[1]![3]).toBe("Monthly allowance — Free");

    expect(await session.accessibilityViolations()).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() =>
        app()
          .locator("body")
          .evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      )
      .toBe(true);
    await session.screenshot("activity-390");
    expect(await session.accessibilityViolations()).toEqual([]);
    // The narrow page lists the entry instead of a table to scroll sideways.
    await expect(app().getByText("Balance 10").isVisible()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
