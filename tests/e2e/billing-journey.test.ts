// A newcomer's billing journey in a real browser: `npm run dev`, the printed admin URL for the dev store,
// the Billing page in the admin nav, an upgrade and a top-up approved on the emulator's confirmation page
// and back into the admin, and a declined top-up (Shopify sends the owner to the admin's Apps page) that
// changes nothing. dev-store is a development store,
// so every charge is a test charge.

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

const balance = () => app().getByText(/^\d+ credits$/);
const banner = (text: string | RegExp) => app().locator(".Polaris-Banner").filter({ hasText: text });
const ledgerRows = () => app().locator(".Polaris-DataTable").last().locator("tbody tr");

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

describe("billing journey in a browser (npm run dev, dev store)", () => {
  it("opens the Billing page from the admin nav: Free plan, 10 credits", async () => {
    const { page, dev } = session;
    await page.goto(dev.adminUrl);
    // The first load compiles the app's modules in Vite.
    await app().getByRole("heading", { level: 1, name: "AI blog content" }).waitFor({ timeout: 60_000 });
    await page
      .getByRole("list", { name: "AI blog content navigation" })
      .getByRole("link", { name: "Billing" })
      .click();
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
    await expect(app().getByRole("heading", { name: "Free plan" }).isVisible()).resolves.toBe(true);
    await expect(balance().textContent()).resolves.toBe("10 credits");
    await expect.poll(() => page.locator("#app-title").textContent()).toBe("AI blog content");
    await session.screenshot("1-billing-free");
  }, 120_000);

  it("upgrades to Starter: confirmation page, Approve, back on Billing with Starter and 100 credits", async () => {
    const starter = app()
      .locator("form")
      .filter({ has: app().locator('input[name=plan][value="starter"]') });
    // The form posts to the action by single fetch; billing.request answers with a 401 whose header names
    // the confirmation page, and App Bridge sends the admin (the top window) there.
    const actionResponse = session.page.waitForResponse(
      (response) =>
        response.request().method() === "POST" && new URL(response.url()).pathname === "/app/billing.data",
    );
    await starter.getByRole("button", { name: "Upgrade" }).click();
    const response = await actionResponse;
    expect(response.status()).toBe(401);
    expect(await response.headerValue("X-Shopify-API-Request-Failure-Reauthorize-Url")).toMatch(
      /^https:\/\/admin\.shopify\.com\/store\/dev-store\/charges\/subscription\/\d+\/confirm$/,
    );
    await approveOrDecline("subscription", "Approve");

    await banner("Starter plan approved.").waitFor({ timeout: 30_000 });
    await expect(app().getByRole("heading", { name: "Starter plan" }).isVisible()).resolves.toBe(true);
    await expect(app().getByText("Test charge", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(balance().textContent()).resolves.toBe("100 credits");
    await session.screenshot("2-billing-starter");
  }, 90_000);

  it("buys the 100-credit top-up: Approve, back with '100 credits added.' and 200 credits", async () => {
    await app()
      .getByRole("button", { name: /^100 credits — \$/ })
      .click();
    await approveOrDecline("purchase", "Approve");

    await banner("100 credits added.").waitFor({ timeout: 30_000 });
    await expect(balance().textContent()).resolves.toBe("200 credits");
    // The Activity Ledger lists the grants, newest first, each marked as coming from a test charge.
    const rows = await ledgerRows().allInnerTexts();
    const grants = rows.filter((row) => /\+\d+/.test(row));
    expect(grants.length).toBeGreaterThanOrEqual(3);
    expect(grants[0]).toMatch(/\(test\)\s+\+100\s+200/);
    expect(grants[1]).toMatch(/\(test\)\s+\+90\s+100/);
    await session.screenshot("3-billing-top-up");
    await ledgerRows().first().scrollIntoViewIfNeeded();
    await session.screenshot("3b-activity-ledger");
  }, 90_000);

  it("declines a 25-credit top-up: Shopify's Apps page, then back in the app the balance is unchanged", async () => {
    await app()
      .getByRole("button", { name: /^25 credits — \$/ })
      .click();
    await approveOrDecline("purchase", "Decline");
    await session.screenshot("4a-apps-page-after-decline");

    // The owner opens the app again; the decline reached the app by webhook and granted nothing.
    await session.page.goto(`${session.dev.adminUrl}/app/billing`);
    await app().getByRole("heading", { level: 1, name: "Billing" }).waitFor({ timeout: 30_000 });
    await expect(balance().textContent()).resolves.toBe("200 credits");
    const rows = await ledgerRows().allInnerTexts();
    expect(rows.filter((row) => /\+\d+/.test(row))[0]).toMatch(/\(test\)\s+\+100\s+200/);
    await session.screenshot("4b-billing-after-decline");
  }, 90_000);

  it("raised no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
