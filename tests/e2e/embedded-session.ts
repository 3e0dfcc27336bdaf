// The browser tests' shared fixture: `npm run dev` (dev-server.ts) on free ports, Debian's Chromium
// (chromium.ts) with one page, the errors that page raised, the app's iframe in the emulator's admin, and
// a folder for screenshots. Call embeddedSession() at the top of a test file: it starts both in
// beforeAll and stops them in afterAll.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchChromium, type Browser } from "./chromium";
import { startDevServer, type DevServer, type DevServerOptions } from "./dev-server";

export interface EmbeddedSession {
  readonly dev: DevServer;
  readonly browser: Browser;
  readonly page: Page;
  // Uncaught exceptions in any frame of the page (the admin or the app).
  readonly pageErrors: string[];
  // The app inside the admin frame (the emulator's #app-frame iframe).
  app(): FrameLocator;
  // Saves a screenshot of the whole admin page; returns its path.
  screenshot(name: string): Promise<string>;
  // Opens the dev store's admin, waits out the app's first page (Vite compiles the app's modules on the first
  // load), clicks `link` in the admin's app nav and waits for the page's level-1 heading `heading`.
  openFromAdminNav(link: string, heading: string | RegExp): Promise<void>;
  // axe-core's serious and critical violations in the app's frame (WCAG 2.1 A/AA rules), one line each.
  accessibilityViolations(): Promise<string[]>;
}

export function embeddedSession(devOptions: DevServerOptions = {}): EmbeddedSession {
  let dev: DevServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let screenshots: string | undefined;
  const pageErrors: string[] = [];
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is not started (beforeAll failed?)`);
    return value;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    dev = await startDevServer(devOptions);
    page = await browser.context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }, 120_000);

  // A failed step prints what the app and the emulator said meanwhile (redacted by npm run dev), once: the
  // browser alone cannot tell a slow compile from a crashed server or a reload.
  let told = false;
  afterEach(({ task }) => {
    if (told || task.result?.state !== "fail" || !dev) return;
    told = true;
    console.error(`npm run dev's last output:\n${dev.output().split("\n").slice(-80).join("\n")}`);
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    // A dependency Vite met after the first page made it re-bundle and reload every open page, which lost a
    // journey's dialog or toast at random (docs/platform-notes.md): fail the file that saw it.
    const reloaded = dev?.output().match(/.*optimized dependencies changed.*/)?.[0];
    if (reloaded) throw new Error(`Vite re-bundled its dependencies mid-session: ${reloaded}`);
  });

  const appFrame = () => started(page, "The browser page").frameLocator("#app-frame");

  return {
    get dev() {
      return started(dev, "npm run dev");
    },
    get browser() {
      return started(browser, "Chromium");
    },
    get page() {
      return started(page, "The browser page");
    },
    pageErrors,
    app: appFrame,
    async screenshot(name) {
      screenshots ??= await mkdtemp(join(tmpdir(), "e2e-screenshots-"));
      const file = join(screenshots, `${name}.png`);
      await started(page, "The browser page").screenshot({ path: file });
      console.log(`Screenshot: ${file}`);
      return file;
    },
    async openFromAdminNav(link, heading) {
      const admin = started(page, "The browser page");
      const app = appFrame();
      await admin.goto(started(dev, "npm run dev").adminUrl);
      await app.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 60_000 });
      await admin
        .getByRole("list", { name: "AI blog content navigation" })
        .getByRole("link", { name: link })
        .click();
      await app.getByRole("heading", { level: 1, name: heading }).waitFor({ timeout: 30_000 });
    },
    async accessibilityViolations() {
      const results = await new AxeBuilder({ page: started(page, "The browser page") })
        .include("#app-frame")
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      return results.violations
        .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
        .flatMap((violation) =>
          violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(" ")}`),
        );
    },
  };
}
