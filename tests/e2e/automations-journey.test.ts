// A merchant's first automation in a real browser: `npm run dev` (offline writer, the scheduler ticking
// every second), the dev store's admin, Automations in the nav, an automation created with a first topic,
// its slot made due (its nextSlotAt set to the past in the app's SQLite database, as a clock jump would), the
// run in the run log, the draft it saved, and the Activity Ledger row naming the automation. At 1280 and
// 390 px, with axe-core's check on each page.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectDb } from "../../app/db/connect.server";
import { embeddedSession } from "./embedded-session";

const session = embeddedSession({ env: { AUTOMATION_TICK_MS: "1000" } });
const { app, pageErrors } = session;

const NAME = "Winter hiking tips";
const TOPIC = "How to layer for a cold morning hike";
const IN_ADMIN = (path: string) => new RegExp(`/store/dev-store/apps/dev-api-key${path}`);

const heading = (name: string | RegExp) => app().getByRole("heading", { level: 1, name });

let automationPath = "";
let draftTitle = "";

describe("automations journey in a browser (npm run dev, offline writer, dev store)", () => {
  it("finds Automations in the nav: an empty list that says what a run costs", async () => {
    await session.page.setViewportSize({ width: 1280, height: 900 });
    await session.openFromAdminNav("Automations", "Automations");
    await app().getByText("Write drafts on a schedule").waitFor({ timeout: 10_000 });
    await expect(
      app()
        .getByText(/2 credits per saved draft; failed or skipped runs are free/)
        .isVisible(),
    ).resolves.toBe(true);
    await session.screenshot("automations-1-empty");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 150_000);

  it("creates an automation with a first topic", async () => {
    const { page } = session;
    await app().getByRole("link", { name: "Create automation" }).first().click();
    await heading("New automation").waitFor({ timeout: 30_000 });
    await page.waitForURL(IN_ADMIN("/app/automations/new"), { timeout: 30_000 });
    await expect(app().getByText("Polishing reserve: 0 credits", { exact: false }).isVisible()).resolves.toBe(
      true,
    );
    await app().getByLabel("Name").fill(NAME);
    await app().getByLabel("Audience").fill("hikers planning their first winter trail");
    await app().getByLabel("First topics").fill(TOPIC);
    // Weekly on two days shows the day choices; the schedule reads back in words.
    // By keyboard: Polaris draws its own radio and checkbox over the inputs.
    await app().getByRole("radio", { name: "Weekly, on chosen days" }).focus();
    await page.keyboard.press("Space");
    await app().getByRole("checkbox", { name: "Thursday" }).focus();
    await page.keyboard.press("Space");
    await expect(app().getByRole("checkbox", { name: "Thursday" }).isChecked()).resolves.toBe(true);
    await app()
      .getByText(/^Mondays and Thursdays at 09:00/)
      .waitFor({ timeout: 10_000 });
    await session.screenshot("automations-2-form");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);

    await app().getByRole("button", { name: "Create automation" }).first().click();
    await page.waitForURL(IN_ADMIN("/app/automations/(?!new)[^/?]+"), { timeout: 30_000 });
    await heading(NAME).waitFor({ timeout: 30_000 });
    automationPath = new URL(page.url()).pathname.replace(/^.*\/apps\/[^/]+/, "");
    // Created: nothing is left unsaved, so App Bridge's save bar is gone.
    await page.locator(".emulator-save-bar").waitFor({ state: "detached", timeout: 10_000 });
    await app().getByText("Mondays and Thursdays at 09:00", { exact: false }).first().waitFor();
    await expect(app().getByRole("list", { name: "Waiting topics" }).innerText()).resolves.toContain(TOPIC);
    await app()
      .getByText(/^No runs yet/)
      .waitFor({ timeout: 10_000 });
    await session.screenshot("automations-3-created");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 90_000);

  it("runs its slot once it is due: the run log shows the saved draft and its 2 credits", async () => {
    const { page, dev } = session;
    const id = automationPath.split("/").pop()!;
    // The slot falls due: as if the clock had reached it. The scheduler ticks every second.
    const db = connectDb(`file:${join(dev.dir, "dev.db")}`);
    try {
      await db.automation.update({ where: { id }, data: { nextSlotAt: new Date(Date.now() - 60_000) } });
    } finally {
      await db.$disconnect();
    }
    const saved = app().getByText("Draft saved", { exact: true });
    await expect
      .poll(
        async () => {
          await page.goto(`${dev.adminUrl}${automationPath}`);
          await heading(NAME).waitFor({ timeout: 30_000 });
          return saved.count();
        },
        { timeout: 90_000, interval: 2_000 },
      )
      .toBeGreaterThan(0);
    const log = app().locator(".Polaris-IndexTable table");
    const rows = await log.locator("tbody tr").allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(TOPIC);
    expect(rows[0]).toContain("2 credits");
    await expect(
      app().getByRole("link", { name: "Article in Shopify" }).getAttribute("href"),
    ).resolves.toMatch(/\/store\/dev-store\/content\/articles\/\d+$/);
    // The topic was used up by the run.
    await app()
      .getByText(/^No topics are waiting/)
      .waitFor({ timeout: 10_000 });
    await session.screenshot("automations-4-run-saved");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 150_000);

  it("opens the draft the run saved", async () => {
    await app()
      .getByRole("link", { name: /^Open the draft/ })
      .click();
    await session.page.waitForURL(IN_ADMIN("/app/drafts/[^/?]+"), { timeout: 30_000 });
    draftTitle = (await heading(/./).first().textContent())!.trim();
    expect(draftTitle.length).toBeGreaterThan(5);
    await session.screenshot("automations-5-draft");
  }, 60_000);

  it("the Activity Ledger names the run by the draft's title and the automation as who spent it", async () => {
    const { page, dev } = session;
    await page.goto(`${dev.adminUrl}/app/billing/activity`);
    const table = app().locator(".Polaris-IndexTable table");
    await table.waitFor({ timeout: 30_000 });
    const spends = (await table.locator("tbody tr").allInnerTexts()).filter((row) => /[-−]\d+/.test(row));
    expect(spends).toHaveLength(1);
    expect(spends[0]).toContain(`Automation run: ${draftTitle}`);
    expect(spends[0]).toContain(NAME);
    expect(spends[0]).toMatch(/[-−]2\s+8/);
    await session.screenshot("automations-6-ledger");
  }, 60_000);

  it("the list shows the automation with its last run at 390 px, without sideways scrolling", async () => {
    const { page, dev } = session;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${dev.adminUrl}/app/automations`);
    await heading("Automations").waitFor({ timeout: 30_000 });
    await app().getByRole("link", { name: NAME }).waitFor({ timeout: 10_000 });
    await expect(app().getByText("Draft saved", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(
      app()
        .getByText(/2 \/ 20 credits/)
        .isVisible(),
    ).resolves.toBe(true);
    await expect
      .poll(() =>
        app()
          .locator("body")
          .evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      )
      .toBe(true);
    await session.screenshot("automations-7-list-390");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.goto(`${dev.adminUrl}${automationPath}`);
    await heading(NAME).waitFor({ timeout: 30_000 });
    await expect
      .poll(() =>
        app()
          .locator("body")
          .evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      )
      .toBe(true);
    await session.screenshot("automations-8-page-390");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
