// What the emulator reads from the app's shopify.app.toml in the working directory, as Shopify reads the
// deployed configuration: the webhook API version and the required access scopes.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

function section(dir: string, name: string): string | undefined {
  const file = join(dir, "shopify.app.toml");
  if (!existsSync(file)) return undefined;
  const pattern = new RegExp(`^\\[${name}\\]\\s*$([\\s\\S]*?)(?=^\\[[^[]|(?![\\s\\S]))`, "m");
  return pattern.exec(readFileSync(file, "utf8"))?.[1];
}

/**
 * The webhook API version the app subscribed with: `[webhooks] api_version` in its shopify.app.toml
 * (Shopify serializes every event of an app's subscriptions in that version and names it in
 * X-Shopify-API-Version; shopify.dev "Use a newer API version", WebhookSubscription.apiVersion).
 */
export function appWebhookApiVersion(dir = process.cwd()): string | undefined {
  return /^\s*api_version\s*=\s*"([^"]+)"/m.exec(section(dir, "webhooks") ?? "")?.[1];
}

/** The app's required scopes: `[access_scopes] scopes`, what Shopify's managed install grants. */
export function appTomlScopes(dir = process.cwd()): string | undefined {
  return /^\s*scopes\s*=\s*"([^"]*)"/m.exec(section(dir, "access_scopes") ?? "")?.[1] || undefined;
}
