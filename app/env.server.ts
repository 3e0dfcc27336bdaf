import { z } from "zod";

// Validated once at boot: a missing setting fails start-up with its name, never a silent "" at run time.
const schema = z
  .object({
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
  })
  .superRefine((env, ctx) => {
    // The merchant's browser runs whatever script this names inside the Shopify Admin: in production only
    // Shopify's own CDN may serve it (shopify-app-remix's node adapter reads the variable too).
    if (env.NODE_ENV === "production" && env.APP_BRIDGE_URL !== undefined)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["APP_BRIDGE_URL"],
        message: "must not be set in production (App Bridge loads from Shopify's CDN)",
      });
  });

export type Env = z.infer<typeof schema>;

/** The settings, or one line naming every setting that is wrong and why. */
export function parseEnv(source: Record<string, string | undefined>) {
  const result = schema.safeParse(source);
  if (result.success) return { ok: true as const, env: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`);
  return { ok: false as const, message: `Invalid environment: ${problems.join("; ")}` };
}

function loadEnv(): Env {
  const parsed = parseEnv(process.env);
  if (parsed.ok) return parsed.env;
  // One readable line and a failed start, rather than a stack trace of zod internals.
  console.error(parsed.message);
  process.exit(1);
}

export const env = loadEnv();
