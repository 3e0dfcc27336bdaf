// The README's run command gives a browser a working store: `npm run dev` starts the Shopify Admin
// emulator and the app, and the one URL it prints shows the embedded app inside the admin frame.

import { describe, expect, it } from "vitest";
import { embeddedSession } from "./embedded-session";

const session = embeddedSession();
const { app, pageErrors } = session;

describe("npm run dev in a browser", () => {
  it("prints the dev store's admin URL for the app", () => {
    expect(session.dev.adminUrl).toBe(`${session.dev.emulatorUrl}/store/dev-store/apps/dev-api-key`);
  });

  it("shows the embedded app home inside the admin frame, styled by Polaris", async () => {
    await session.page.goto(session.dev.adminUrl);
    const title = app().getByRole("heading", { level: 1, name: "AI blog content" });
    // The first load compiles the app's modules in Vite.
    await title.waitFor({ timeout: 60_000 });
    await expect(app().getByText("Enough for 3 drafts with covers.").isVisible()).resolves.toBe(true);
    // Polaris' stylesheet is applied: a Card has its rounded corners, not the browser's defaults.
    const radius = await app()
      .locator(".Polaris-ShadowBevel")
      .first()
      .evaluate((card) => getComputedStyle(card).borderRadius);
    expect(radius).not.toBe("0px");

    await session.screenshot("embedded-app-home");
  }, 90_000);

  it("lists the app's ui-nav-menu links in the admin nav", async () => {
    const nav = session.page.getByRole("list", { name: "AI blog content navigation" });
    await expect
      .poll(() => nav.getByRole("link").allTextContents(), { timeout: 15_000 })
      .toEqual(["Home", "Briefs", "Drafts", "Automations", "Billing"]);
  });

  it("routes an admin nav click inside the app, whose data request carries a session token", async () => {
    const dataRequest = session.page.waitForRequest(
      (request) => new URL(request.url()).pathname === "/app.data",
    );
    await session.page
      .getByRole("list", { name: "AI blog content navigation" })
      .getByRole("link", { name: "Home" })
      .click();
    const request = await dataRequest;
    expect(request.headers()["authorization"]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await request.response())?.status()).toBe(200);
  });

  it("raised no errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });

  it("stops the emulator and the app on Ctrl-C", async () => {
    await session.browser.close();
    expect(await session.dev.stop()).not.toBeNull();
    for (const url of [session.dev.appUrl, session.dev.emulatorUrl]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});
