// A newcomer's billing journey in a real browser: `npm run dev`, the printed admin URL for the dev store,
// the Billing page in the admin nav, an upgrade confirmed in the app and approved on the emulator's
// confirmation page, a top-up, a downgrade scheduled, shown and undone, and a declined top-up (Shopify
// sends the owner to the admin's Apps page) that changes nothing; at 1280 and 390 px, with axe-core's
// check. dev-store is a development store, so every charge is a test charge.

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

/** The app's document fits the frame's width: nothing cut off, no sideways scrolling. */
async function fitsWidth() {
  return app()
    .locator("body")
    .evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe("billing journey in a browser (npm run dev, dev store)", () => {
  it("opens the Billing page from the admin nav: Free plan, 10 credits, its lot and the prices", async () => {
    const { page, dev } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(dev.adminUrl);
    // The first load compiles the app's modules in Vite.
    await app().getByRole("heading", { level: 1, name: "AI blog content" }).waitFor({ timeout: 60_000 });
    await page
      .getByRole("list", { name: "AI blog content navigation" })
      .getByRole("link", { name: "Billing" })
      .click();
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
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

  it("declines a 25-credit top-up: Shopify's Apps page, then back in the app the balance is unchanged", async () => {
    await app()
      .getByRole("button", { name: /^Buy 25 credits for \$/ })
      .click();
    await approveOrDecline("purchase", "Decline");
    await session.screenshot("5a-apps-page-after-decline");

    // The owner opens the app again; the decline reached the app by webhook and granted nothing.
    await session.page.goto(`${session.dev.adminUrl}/app/billing`);
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
    await expect(balance().textContent()).resolves.toBe("500 credits");
    await session.screenshot("5b-billing-after-decline");
  }, 90_000);

  it("fits 1280 and 390 px wide, with no serious or critical accessibility violations", async () => {
    const { page } = session;
    expect(await fitsWidth()).toBe(true);
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor();
    await expect.poll(fitsWidth).toBe(true);
    await session.screenshot("6-billing-390");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it("raised no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
