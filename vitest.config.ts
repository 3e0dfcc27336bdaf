import { defineConfig } from "vitest/config";

const BROWSER_JOURNEYS = "tests/e2e/**/*.test.ts";

export default defineConfig({
  test: {
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/shopify-env.ts"],
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
    // Concurrency tests hold many transactions open; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "app/**/*.test.{ts,tsx}",
            "tests/**/*.test.{ts,tsx}",
            "tools/**/*.test.ts",
            "scripts/**/*.test.ts",
          ],
          exclude: [BROWSER_JOURNEYS],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: [BROWSER_JOURNEYS],
          // Each file runs `npm run dev`; on a fresh clone two Vite servers optimizing dependencies into the
          // one node_modules/.vite at once break each other, so these files run one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});
