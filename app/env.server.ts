import { z } from "zod";

// Validated once at boot: a missing setting fails start-up with its name, never a silent "" at run time.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "file:… (SQLite) or postgresql://…"),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url(),
  // Comma-separated, as `shopify app dev` passes them; must match access_scopes in shopify.app.toml.
  SCOPES: z.string().min(1),
  // A non-*.myshopify.com shop domain to accept (a local Admin emulator, a spin instance).
  SHOP_CUSTOM_DOMAIN: z.string().min(1).optional(),
  // "true" makes every charge a test charge (development stores); real charges otherwise.
  SHOPIFY_BILLING_TEST: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  // Where the browser loads App Bridge from; unset means Shopify's CDN (NOTES.md: offline emulator).
  APP_BRIDGE_URL: z.string().url().optional(),
});

export const env = schema.parse(process.env);
