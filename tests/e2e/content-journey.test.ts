// A newcomer's first article in a real browser: `npm run dev` with the offline writer, the dev store's
// admin, a brief written under the contextual save bar, topics researched for free, a draft with a cover
// (3 credits), an AI rewrite (1) and a regeneration (2), the draft saved to the store's blog (the article
// and its image checked in the emulator), then the Billing page's Activity Ledger naming each spend by the
// draft's title. Screenshots of each step are saved as the billing journey saves them.

import { describe, expect, it } from "vitest";
import { embeddedSession } from "./embedded-session";

const session = embeddedSession();
const { app, pageErrors } = session;

const SHOP = "dev-store.myshopify.com";
const TOPIC = "How to keep your feet warm on long winter hikes";
// One of the products every emulator store sells (tools/shopify-emulator/state.ts DEFAULT_PRODUCTS).
const PRODUCT = "Merino Wool Trail Socks";
const IN_ADMIN = (path: string) => new RegExp(`/store/dev-store/apps/dev-api-key${path}`);

const button = (name: string | RegExp) => app().getByRole("button", { name });
const heading = (name: string | RegExp) => app().getByRole("heading", { level: 1, name });
/**
 * Waits until the button is there and enabled: while a job runs the draft page disables its AI buttons, and
 * their "(N left)" already counts the job's hold, so only an enabled button means the job finished.
 */
const ready = (name: string) => expect.poll(() => button(name).isEnabled(), { timeout: 60_000 }).toBe(true);

/** What the journey learnt along the way. */
let draftTitle = "";

/** The store's articles as the emulator holds them (its control route for one shop). */
async function articles() {
  const response = await fetch(`${session.dev.emulatorUrl}/_emulator/shops/${encodeURIComponent(SHOP)}`);
  expect(response.status).toBe(200);
  const shop = (await response.json()) as {
    blogs: {
      title: string;
      articles: {
        title: string;
        body: string;
        isPublished: boolean;
        image: { url: string; altText: string | null } | null;
      }[];
    }[];
  };
  return shop.blogs.flatMap((blog) => blog.articles.map((article) => ({ blog: blog.title, ...article })));
}

describe("content journey in a browser (npm run dev, offline writer, dev store)", () => {
  it("writes a brief: editing a field opens App Bridge's save bar, saving closes it", async () => {
    const { page } = session;
    await session.openFromAdminNav("Briefs", "Briefs");
    await app().getByRole("link", { name: "New brief" }).first().click();
    await heading("New brief").waitFor({ timeout: 30_000 });
    await page.waitForURL(IN_ADMIN("/app/briefs/new"), { timeout: 30_000 });

    // The admin draws App Bridge's contextual save bar above the app once a field is edited.
    const adminBar = page.locator(".emulator-save-bar");
    await expect(adminBar.count()).resolves.toBe(0);
    await app().getByLabel("Topic").fill(TOPIC);
    await adminBar.waitFor({ timeout: 10_000 });
    await expect(app().locator("ui-save-bar[data-showing]").count()).resolves.toBe(1);
    await session.screenshot("1a-brief-edited-save-bar");
    await app().getByLabel("Audience").fill("hikers planning their first winter trail");
    await app().getByLabel("Keywords").fill("merino wool socks, winter hiking");
    await app().getByRole("checkbox", { name: PRODUCT }).check();
    // The admin's Save goes back to the app, which saves the brief.
    await adminBar.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(IN_ADMIN("/app/briefs/(?!new)[^/?]+"), { timeout: 30_000 });
    await heading("Brief").waitFor({ timeout: 30_000 });
    await adminBar.waitFor({ state: "detached", timeout: 10_000 });
    await expect(app().getByLabel("Topic").inputValue()).resolves.toBe(TOPIC);
    await expect(app().getByRole("checkbox", { name: PRODUCT }).isChecked()).resolves.toBe(true);
    await session.screenshot("1b-brief-saved");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 150_000);

  it("researches topics for free: ideas appear, the balance stays at 10", async () => {
    await button("Research topics · free").click();
    await app().getByRole("heading", { name: "Topic ideas" }).waitFor({ timeout: 60_000 });
    await expect(
      app()
        .getByText(/^Why it fits: /)
        .count(),
    ).resolves.toBeGreaterThanOrEqual(3);
    await expect(button("Generate draft · 2 credits (8 left)").isVisible()).resolves.toBe(true);
    await expect(button("Draft + cover · 3 credits (7 left)").isVisible()).resolves.toBe(true);
    await session.screenshot("2-topic-ideas");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 90_000);

  it("writes a draft with a cover for 3 credits and opens it", async () => {
    await button("Draft + cover · 3 credits (7 left)").click();
    await app()
      .getByText(/Writing your draft/)
      .waitFor({ timeout: 10_000 });
    await session.screenshot("3a-writing-draft");
    await session.page.waitForURL(IN_ADMIN("/app/drafts/[^/?]+"), { timeout: 60_000 });
    draftTitle = (await heading(/./).first().textContent())!.trim();
    expect(draftTitle.length).toBeGreaterThan(5);
    const cover = app().locator("img[src*='/covers/']").first();
    await cover.waitFor({ timeout: 30_000 });
    await expect(cover.getAttribute("alt")).resolves.toMatch(/\S/);
    await expect(button("AI rewrite · 1 credit (6 left)").isVisible()).resolves.toBe(true);
    await session.screenshot("3b-draft-with-cover");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 120_000);

  it("rewrites the draft shorter for 1 credit: a second version", async () => {
    await app().getByRole("radio", { name: "Shorter" }).check();
    await button("AI rewrite · 1 credit (6 left)").click();
    await ready("Regenerate · 2 credits (4 left)");
    await app().getByText("Version 2", { exact: true }).first().waitFor({ timeout: 10_000 });
    await session.screenshot("4-rewritten");
  }, 90_000);

  it("regenerates the draft for 2 credits: a third version", async () => {
    await button("Regenerate · 2 credits (4 left)").click();
    await ready("AI rewrite · 1 credit (3 left)");
    await app().getByText("Version 3", { exact: true }).first().waitFor({ timeout: 10_000 });
    draftTitle = (await heading(/./).first().textContent())!.trim();
    await session.screenshot("5-regenerated");
  }, 90_000);

  it("saves the draft to Shopify: an unpublished article with its cover image in the store's blog", async () => {
    await button("Save to Shopify").click();
    await app().getByText("Saved as unpublished draft.").waitFor({ timeout: 60_000 });
    const link = app().getByRole("link", { name: "Open the article in Shopify" });
    await expect(link.getAttribute("href")).resolves.toMatch(/\/store\/dev-store\/content\/articles\/\d+$/);
    await session.screenshot("6a-saved-to-shopify");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);

    const saved = (await articles()).filter((article) => article.title === draftTitle);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      isPublished: false,
      image: { url: expect.any(String), altText: expect.stringMatching(/\S/) },
    });
    // The draft links the product the brief named, at its online store address.
    expect(saved[0]!.body).toMatch(/href="https?:\/\/[^"]+\/products\/[^"]*merino[^"]*"/);
    // Shopify re-hosts the image: the emulator serves its own copy of what it downloaded from the app.
    const image = await fetch(saved[0]!.image!.url);
    expect(image.status).toBe(200);
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");

    // The link leaves the app for the article in the admin (admin.shopify.com, served by the emulator).
    await link.click();
    await session.page.waitForURL(/\/store\/dev-store\/content\/articles\/\d+$/, { timeout: 30_000 });
    await session.page.getByText(draftTitle).first().waitFor({ timeout: 10_000 });
    await expect(session.page.locator("img").count()).resolves.toBeGreaterThan(0);
    await session.screenshot("6b-article-in-admin");
  }, 90_000);

  it("shows each spend in the Billing page's Activity Ledger with the draft's title", async () => {
    const { page, dev } = session;
    await page.goto(`${dev.adminUrl}/app/billing`);
    await heading("Billing").waitFor({ timeout: 30_000 });
    await expect(app().locator("#balance-available").textContent()).resolves.toBe("4 credits");
    await app().getByRole("tab", { name: "Activity Ledger" }).click();
    // The admin keeps its address in step with the app's page (history.replaceState, not a navigation).
    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(IN_ADMIN("/app/billing/activity"));
    const table = app().locator(".Polaris-IndexTable table");
    await table.waitFor({ timeout: 30_000 });
    const rows = await table.locator("tbody tr").allInnerTexts();
    const spends = rows.filter((row) => /[-−]\d+/.test(row));
    // Newest first, each named by what was done and the draft's title (its current one), with the balance
    // after and who spent it.
    expect(spends).toHaveLength(3);
    expect(spends[0]).toContain(`Regenerated: ${draftTitle}`);
    expect(spends[0]).toMatch(/[-−]2\s+4/);
    expect(spends[1]).toContain(`AI rewrite: ${draftTitle}`);
    expect(spends[1]).toMatch(/[-−]1\s+6/);
    expect(spends[2]).toContain(`Draft + cover: ${draftTitle}`);
    expect(spends[2]).toMatch(/[-−]3\s+7/);
    await session.screenshot("7-activity-ledger");
    await expect(session.accessibilityViolations()).resolves.toEqual([]);
  }, 90_000);

  it("shows the low-balance banner on every page once the balance is below 50% of the allowance", async () => {
    await session.page.goto(`${session.dev.adminUrl}/app/drafts`);
    await heading("Drafts").waitFor({ timeout: 30_000 });
    const banner = app().getByText("4 credits left: below 50% of your 10-credit monthly allowance.");
    await banner.waitFor({ timeout: 10_000 });
    await app().getByRole("button", { name: "Dismiss notification" }).click();
    await banner.waitFor({ state: "detached", timeout: 10_000 });
    // Dismissed for this threshold and cycle: not back on the next page.
    await session.page.goto(`${session.dev.adminUrl}/app`);
    await heading("AI blog content").waitFor({ timeout: 30_000 });
    await expect(
      app()
        .getByText(/below 50% of your/)
        .count(),
    ).resolves.toBe(0);
  }, 90_000);

  it("raised no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
