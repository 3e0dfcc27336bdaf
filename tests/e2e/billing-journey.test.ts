// A newcomer's billing journey in a real browser: `npm run dev`, the printed admin URL for the dev store,
// the Billing page in the admin nav, an upgrade confirmed in the app and approved on the emulator's
// confirmation page, a top-up, a downgrade scheduled, shown and undone, a top-up left pending and then
// declined (Shopify sends the owner to the admin's Apps page) that changes nothing, a declined upgrade the
// page names, and the campaign planner; at 1280 and 390 px, with axe-core's check. dev-store is a
// development store, so every charge is a test charge.

import { describe, expect, it } from "vitest";
import { embeddedSession } from "./embedded-session";

const session = embeddedSession();
const { app, pageErrors } = session;

const CONFIRMATION = {
  subscription: /\/store\/dev-store\/charges\/subscription\/\d+\/confirm$/,
  purchase: /\/store\/dev-store\/charges\/purchase\/\d+\/confirm$/,
};
// Where the app shows the Billing page after a return visit: the admin address follows the app's page.
const BILLING_IN_ADMIN = /\/store\/dev-store\/apps\/dev-api-key\/app\/billing\?notice=/;

const balance = () => app().locator("#balance-available");
const lots = () => app().getByRole("list", { name: "Credit lots" }).getByRole("listitem");
const recent = () => app().getByRole("list", { name: "Recent activity" }).getByRole("listitem");
const dialog = () => app().getByRole("dialog");
const pendingTopUps = () => app().getByRole("list", { name: "Pending top-ups" }).getByRole("listitem");
// App Bridge's toasts are drawn by the admin, outside the app's frame.
const toast = (text: string | RegExp) => session.page.locator("#toasts .toast").filter({ hasText: text });
const banner = (text: string | RegExp) => app().locator(".Polaris-Banner").filter({ hasText: text });

// Where Shopify sends a store owner who declines: the admin's Apps page, not the app's return URL.
const APPS_PAGE = /\/store\/dev-store\/settings\/apps$/;

async function approveOrDecline(kind: keyof typeof CONFIRMATION, answer: "Approve" | "Decline") {
  const page = session.page;
  await page.waitForURL(CONFIRMATION[kind], { timeout: 30_000 });
  // A development store's charge is a test charge, and the page says so.
  await expect(page.locator("[data-test-charge=true]").textContent()).resolves.toBe("Test charge");
  await session.screenshot(`confirm-${kind}-${answer.toLowerCase()}`);
  await page.getByRole("button", { name: answer }).click();
  await page.waitForURL(answer === "Approve" ? BILLING_IN_ADMIN : APPS_PAGE, { timeout: 30_000 });
}

/**
 * Opens a plan card's confirmation, checks what it says, and confirms it: the action's answer is a 401
 * naming Shopify's confirmation page (a plan to approve) or 200 (a change made at once).
 */
async function confirmPlanChange(button: string, says: RegExp, confirm: string) {
  await app().getByRole("button", { name: button }).click();
  await dialog().waitFor({ timeout: 10_000 });
  await expect(dialog().innerText()).resolves.toMatch(says);
  await session.screenshot(`modal-${confirm.toLowerCase().replace(/\W+/g, "-")}`);
  const answered = session.page.waitForResponse(
    (response) =>
      response.request().method() === "POST" && new URL(response.url()).pathname === "/app/billing.data",
  );
  await dialog().getByRole("button", { name: confirm }).click();
  return answered;
}

/**
 * The owner opens Billing again (from the admin) until `shown` holds: a decline reaches the app by webhook,
 * which Shopify sends on its own time, not before the Apps page loads.
 */
async function reopenBillingUntil(shown: () => Promise<boolean>) {
  await expect
    .poll(
      async () => {
        await session.page.goto(`${session.dev.adminUrl}/app/billing`);
        await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
        return shown();
      },
      { timeout: 60_000, interval: 1000 },
    )
    .toBe(true);
}

/** The app's document fits the frame's width: nothing cut off, no sideways scrolling. */
async function fitsWidth() {
  return app()
    .locator("body")
    .evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe("billing journey in a browser (npm run dev, dev store)", () => {
  it("opens the Billing page from the admin nav: Free plan, 10 credits, its lot and the prices", async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    await session.openFromAdminNav("Billing", "Billing");
    await expect(
      app().getByRole("tab", { name: "Plan and balance" }).getAttribute("aria-selected"),
    ).resolves.toBe("true");
    await expect(app().getByRole("heading", { name: "Free plan" }).isVisible()).resolves.toBe(true);
    await expect(balance().textContent()).resolves.toBe("10 credits");
    await expect(lots().allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/Monthly allowance — Free/),
    ]);
    await expect(app().getByText("Topic research is free", { exact: false }).isVisible()).resolves.toBe(true);
    // "Current plan" is text on Free's card, not a button.
    await expect(app().getByRole("button", { name: "Current plan" }).count()).resolves.toBe(0);
    await expect.poll(() => page.locator("#app-title").textContent()).toBe("AI blog content");
    await session.screenshot("1-billing-free-1280");
  }, 120_000);

  it("upgrades to Starter: the confirmation says what happens, Shopify's page, back with a toast and 100 credits", async () => {
    // The modal's button posts to the action by single fetch; billing.request answers with a 401 whose
    // header names the confirmation page, and App Bridge sends the admin (the top window) there.
    const response = await confirmPlanChange(
      "Upgrade to Starter",
      /Starter starts at once/,
      "Upgrade to Starter",
    );
    expect(response.status()).toBe(401);
    expect(await response.headerValue("X-Shopify-API-Request-Failure-Reauthorize-Url")).toMatch(
      /^https:\/\/admin\.shopify\.com\/store\/dev-store\/charges\/subscription\/\d+\/confirm$/,
    );
    await approveOrDecline("subscription", "Approve");

    await toast("Starter plan approved.").waitFor({ timeout: 30_000 });
    await expect(app().getByRole("heading", { name: "Starter plan" }).isVisible()).resolves.toBe(true);
    await expect(app().getByText("Test charge", { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(balance().textContent()).resolves.toBe("100 credits");
    await session.screenshot("2-billing-starter");
  }, 90_000);

  it("buys the 100-credit top-up: back with a toast, 200 credits, the top-up as its own lot and in recent activity", async () => {
    await app()
      .getByRole("button", { name: /^Buy 100 credits for \$/ })
      .click();
    await approveOrDecline("purchase", "Approve");

    await toast("100 credits added.").waitFor({ timeout: 30_000 });
    await expect(balance().textContent()).resolves.toBe("200 credits");
    const shown = await lots().allInnerTexts();
    expect(shown.at(-1)).toMatch(/Top-up: 100 credits\s+100 of 100 left\s+never expires/);
    expect((await recent().allInnerTexts())[0]).toMatch(/Top-up: 100 credits \(test\)[\s\S]*\+100/);
    await session.screenshot("3-billing-top-up");
  }, 90_000);

  it("schedules a downgrade, sees it scheduled, and undoes it: the plan stays", async () => {
    const growth = await confirmPlanChange("Upgrade to Growth", /Growth starts at once/, "Upgrade to Growth");
    expect(growth.status()).toBe(401);
    await approveOrDecline("subscription", "Approve");
    await toast("Growth plan approved.").waitFor({ timeout: 30_000 });
    await expect(balance().textContent()).resolves.toBe("500 credits");

    const starter = await confirmPlanChange(
      "Downgrade to Starter",
      /From \w{3} \d+, \d{4} you are on Starter[\s\S]*you stay on Growth/,
      "Downgrade to Starter",
    );
    expect(starter.status()).toBe(401);
    await approveOrDecline("subscription", "Approve");
    await toast(/^Starter starts on \w{3} \d+, \d{4}\.$/).waitFor({ timeout: 30_000 });
    await banner(/From \w{3} \d+, \d{4} you are on Starter/).waitFor({ timeout: 10_000 });
    await expect(app().getByRole("heading", { name: "Growth plan" }).isVisible()).resolves.toBe(true);
    await session.screenshot("4a-downgrade-scheduled");

    const undo = await confirmPlanChange(
      "Undo downgrade",
      /You stay on Growth[\s\S]*nothing is charged/,
      "Keep Growth",
    );
    expect(undo.status()).toBe(200);
    await toast("You stay on Growth: the change to Starter is undone.").waitFor({ timeout: 30_000 });
    await banner(/you are on Starter/).waitFor({ state: "detached", timeout: 10_000 });
    await expect(app().getByRole("button", { name: "Downgrade to Starter" }).isVisible()).resolves.toBe(true);
    await session.screenshot("4b-downgrade-undone");
  }, 120_000);

  it("leaves a 25-credit top-up unanswered: the page shows it pending with a link back to Shopify's page, declined there it is gone and nothing changed", async () => {
    const { page, dev } = session;
    await app()
      .getByRole("button", { name: /^Buy 25 credits for \$/ })
      .click();
    await page.waitForURL(CONFIRMATION.purchase, { timeout: 30_000 });
    // The owner goes back to the app without answering.
    await page.goto(`${dev.adminUrl}/app/billing`);
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
    await expect(pendingTopUps().allInnerTexts()).resolves.toEqual([
      expect.stringMatching(
        /^25 credits: waiting for approval in Shopify\s+(Info\s+)?Test charge\s+Approve in Shopify$/,
      ),
    ]);
    await expect(balance().textContent()).resolves.toBe("500 credits");
    await pendingTopUps().first().scrollIntoViewIfNeeded();
    await session.screenshot("5a-top-up-pending");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);

    await app().getByRole("link", { name: "Approve 25 credits in Shopify" }).click();
    await approveOrDecline("purchase", "Decline");
    await session.screenshot("5b-apps-page-after-decline");

    // The owner opens the app again; the decline reached the app by webhook and granted nothing.
    await reopenBillingUntil(async () => (await pendingTopUps().count()) === 0);
    await expect(balance().textContent()).resolves.toBe("500 credits");
    await session.screenshot("5c-billing-after-decline");
  }, 120_000);

  it("declines an upgrade to Pro on Shopify's page: back in the app the page says so, and plan and credits are as they were", async () => {
    const pro = await confirmPlanChange("Upgrade to Pro", /Pro starts at once/, "Upgrade to Pro");
    expect(pro.status()).toBe(401);
    await approveOrDecline("subscription", "Decline");

    await reopenBillingUntil(() => banner("The upgrade to Pro was declined in Shopify").isVisible());
    await expect(banner("The upgrade to Pro was declined").innerText()).resolves.toMatch(
      /Nothing changed: you are on Growth with the same credits/,
    );
    await expect(app().getByRole("heading", { name: "Growth plan" }).isVisible()).resolves.toBe(true);
    await expect(balance().textContent()).resolves.toBe("500 credits");
    await expect(app().getByRole("button", { name: "Upgrade to Pro" }).isEnabled()).resolves.toBe(true);
    await session.screenshot("6-upgrade-declined");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 90_000);

  it("plans a campaign on the Usage tab: the credits it needs against the 500 there are, and the cheapest way to cover the gap", async () => {
    const { page } = session;
    await app().getByRole("tab", { name: "Usage and planning" }).click();
    await app().getByRole("heading", { name: "Campaign planner" }).waitFor({ timeout: 30_000 });
    // 250 drafts (2 each), 40 covers and 20 rewrites (1 each), done today: 560 credits, 60 short.
    await app().getByRole("spinbutton", { name: "Drafts", exact: true }).fill("250");
    await app().getByRole("spinbutton", { name: "Cover images", exact: true }).fill("40");
    await app().getByRole("spinbutton", { name: "AI rewrites", exact: true }).fill("20");
    const by = app().getByLabel("Done by", { exact: true });
    await by.fill((await by.getAttribute("min"))!);
    await app().getByRole("button", { name: "Plan", exact: true }).click();
    const answer = banner("credits short");
    await answer.waitFor({ timeout: 30_000 });
    const text = await answer.innerText();
    expect(text).toMatch(
      /You are 60 credits short by .+\. Cheapest: buy top-ups of 75 credits \(3 × 25\) for \$14\.97\./,
    );
    expect(text).toMatch(/= 500 credits|500 credits you have today/);
    expect(text).toMatch(/Upgrade to Pro/);
    // The plan is in the URL (a GET form): a reload or a shared link shows the same answer.
    const frameUrl = new URL(page.frame({ name: "app-iframe" })!.url());
    expect(frameUrl.pathname).toBe("/app/billing/usage");
    expect(frameUrl.searchParams.get("drafts")).toBe("250");
    await session.screenshot("7a-campaign-planner-1280");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(fitsWidth).toBe(true);
    await answer.scrollIntoViewIfNeeded();
    await session.screenshot("7b-campaign-planner-390");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    await app().getByRole("link", { name: "Go to plans and top-ups" }).click();
    await app().getByRole("heading", { name: "Growth plan" }).waitFor({ timeout: 30_000 });
  }, 120_000);

  it("fits 1280 and 390 px wide, with no serious or critical accessibility violations; at 390 px the admin's nav folds behind its menu", async () => {
    const { page } = session;
    expect(await fitsWidth()).toBe(true);
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor();
    await expect.poll(fitsWidth).toBe(true);
    // The app has the whole width; the menu opens the nav over it.
    await expect(page.locator("#app-frame").evaluate((frame) => frame.clientWidth)).resolves.toBe(390);
    const nav = page.getByRole("list", { name: "AI blog content navigation" });
    await expect(nav.isVisible()).resolves.toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(nav.isVisible()).resolves.toBe(true);
    await session.screenshot("8a-admin-menu-390");
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(nav.isVisible()).resolves.toBe(false);
    await session.screenshot("8b-billing-390");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it("raised no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
