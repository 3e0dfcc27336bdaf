import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** Where `npm run db:migrate` (scripts/prisma.mjs) and `npm run dev` put the SQLite database by default. */
export const DEV_DATABASE_URL = "file:./prisma/dev.db";

/**
 * Remix's request handler runs any NODE_ENV other than `development` and `test` as production (scripts/serve.mjs
 * passes it as the server mode, and an unknown mode is production), so the app does the same: `staging`
 * starts, under the production rules.
 */
export const isProduction = (nodeEnv: string) => nodeEnv !== "development" && nodeEnv !== "test";

export const LOG_LEVELS = ["error", "warning", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A scope list as a set: comma-separated, whitespace ignored, order-insensitive. */
const scopeSet = (scopes: string) =>
  [
    ...new Set(
      scopes
        .split(",")
        .map((scope) => scope.trim())
        .filter(Boolean),
    ),
  ].sort();

/** `access_scopes.scopes` from shopify.app.toml's text, or undefined when it declares none. */
export function tomlScopes(toml: string): string[] | undefined {
  const section = /^\s*\[access_scopes\][^\n]*\n((?:(?!^\s*\[).*(?:\n|$))*)/m.exec(toml)?.[1];
  const scopes = section && /^\s*scopes\s*=\s*"([^"]*)"/m.exec(section)?.[1];
  return scopes === undefined || scopes === null || scopes === "" ? undefined : scopeSet(scopes);
}

// Validated once at boot: a missing setting fails start-up with its name, never a silent "" at run time.
const schema = z
  .object({
    NODE_ENV: z.string().min(1).default("development"),
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
    // Where the browser loads App Bridge from; unset means Shopify's CDN (docs/platform-notes.md: Shopify offline).
    APP_BRIDGE_URL: z.string().url().optional(),
    // How much shopify-app-remix logs: its info level writes a line per authenticated request (twice when
    // a layout and its page both authenticate). Default: info in development, warning in production.
    LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
    // The AI provider (docs/decisions/007-ai-provider.md): any OpenAI-compatible API. No key means the
    // offline writer, so development and tests need no account. The key is never logged or echoed.
    AI_BASE_URL: z
      .string()
      .refine(
        (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
        "must be an http:// or https:// URL",
      )
      .default("https://api.openai.com/v1"),
    AI_API_KEY: z
      .string()
      .optional()
      .transform((key) => key?.trim() || undefined),
    AI_TEXT_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
    // Unset: covers are drawn offline even with a key (image models cost more, and not every API has one).
    AI_IMAGE_MODEL: z.string().trim().min(1).optional(),
    AI_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    // Per call, by the SDK (429, 5xx, connection errors); inside one job, which reserved its credits once.
    AI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    // How often the automation scheduler ticks on SQLite (tests, the dev server); PostgreSQL ticks once a
    // minute through pg-boss's schedule (docs/decisions/009-automation-scheduler.md).
    AUTOMATION_TICK_MS: z.coerce.number().int().min(200).max(3_600_000).default(60_000),
    // Low-balance alert e-mails (smtp://user:pass@host:587 or smtps://…); unset: the e-mail channel is off.
    SMTP_URL: z
      .string()
      .refine(
        (url) => URL.canParse(url) && /^smtps?:$/.test(new URL(url).protocol),
        "must be smtp:// or smtps://",
      )
      .optional(),
    ALERT_EMAIL_FROM: z.string().email().optional(),
  })
  .transform((env) => {
    const production = isProduction(env.NODE_ENV);
    return { ...env, production, LOG_LEVEL: env.LOG_LEVEL ?? (production ? "warning" : "info") };
  });

export type Env = z.infer<typeof schema>;

/** Rules between settings, and against shopify.app.toml: each problem as `NAME: what is wrong`. */
function crossChecks(env: Env, appScopes: string[] | undefined) {
  const problems: string[] = [];
  if (env.SMTP_URL !== undefined && env.ALERT_EMAIL_FROM === undefined)
    problems.push("ALERT_EMAIL_FROM: set it to the sender address of alert e-mails when SMTP_URL is set");
  // The merchant's browser runs whatever script this names inside the Shopify Admin: in production only
  // Shopify's own CDN may serve it (shopify-app-remix's node adapter reads the variable too).
  if (env.production && env.APP_BRIDGE_URL !== undefined)
    problems.push("APP_BRIDGE_URL: must not be set in production (App Bridge loads from Shopify's CDN)");
  // Session tokens, billing return URLs and webhooks travel to this URL; Shopify requires https for it.
  if (env.production && new URL(env.SHOPIFY_APP_URL).protocol !== "https:")
    problems.push("SHOPIFY_APP_URL: must be https:// in production (http:// only outside production)");
  // Shopify installs the app with the toml's scopes (managed installation); other SCOPES would make every
  // token exchange ask for scopes the shop never granted.
  if (appScopes && scopeSet(env.SCOPES).join(",") !== appScopes.join(","))
    problems.push(
      `SCOPES: "${scopeSet(env.SCOPES).join(",")}" differs from shopify.app.toml's access_scopes "${appScopes.join(",")}"`,
    );
  return problems;
}

/**
 * Development conveniences, as `shopify app dev` starts the app (shopify.web.toml): it passes no
 * DATABASE_URL, so the SQLite dev database (scripts/prisma.mjs's default) is used, and it names the
 * tunnel in HOST when it sets no SHOPIFY_APP_URL. Never in production.
 */
function withDevelopmentDefaults(source: Record<string, string | undefined>) {
  if ((source.NODE_ENV ?? "development") !== "development") return source;
  const host = source.HOST && /^https?:\/\//.test(source.HOST) ? source.HOST : undefined;
  return {
    ...source,
    DATABASE_URL: source.DATABASE_URL || DEV_DATABASE_URL,
    SHOPIFY_APP_URL: source.SHOPIFY_APP_URL || host,
  };
}

/**
 * The settings, or one line naming every setting that is wrong and why. `appToml` is shopify.app.toml's
 * text, when the file is there: SCOPES must then equal its access_scopes.
 */
export function parseEnv(source: Record<string, string | undefined>, { appToml }: { appToml?: string } = {}) {
  const result = schema.safeParse(withDevelopmentDefaults(source));
  const problems = result.success
    ? crossChecks(result.data, appToml === undefined ? undefined : tomlScopes(appToml))
    : result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`);
  if (result.success && problems.length === 0) return { ok: true as const, env: result.data };
  return { ok: false as const, message: `Invalid environment: ${problems.join("; ")}` };
}

function loadEnv(): Env {
  const tomlPath = join(process.cwd(), "shopify.app.toml");
  const appToml = existsSync(tomlPath) ? readFileSync(tomlPath, "utf8") : undefined;
  const parsed = parseEnv(process.env, { appToml });
  if (parsed.ok) return parsed.env;
  // One readable line and a failed start, rather than a stack trace of zod internals.
  console.error(parsed.message);
  process.exit(1);
}

export const env = loadEnv();
