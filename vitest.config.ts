import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "tests/**/*.test.{ts,tsx}",
      "tools/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/shopify-env.ts"],
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
    // Concurrency tests hold many transactions open; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
