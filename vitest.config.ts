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
    // register.ts points shopify-api at the Shopify emulator when SHOPIFY_EMULATOR_URL is set (no-op otherwise).
    setupFiles: ["tests/setup/shopify-env.ts", "tools/shopify-emulator/register.ts"],
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
    // Concurrency tests hold many transactions open; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
