// Debian's chromium driven by playwright-core (`npx playwright install` cannot download browsers here).
// The flags are the ones measured to work headless on this machine kind (docs/platform-notes.md).

import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    // A missing browser fails the run: skipping would hide that the browser journey was never checked.
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with ` +
        "`sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH.",
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), "chromium-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 800 },
    // shopify-app-remix answers bots with 410 Gone, and isbot counts "HeadlessChrome" as one.
    userAgent: DESKTOP_CHROME,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
