// The one way to start the emulator from outside a test, for people and for scripts/dev.mjs (which calls
// startFromArgs with the same flags):
//   node --import tsx tools/shopify-emulator/cli.ts --port 4100 --app-url http://localhost:3000 \
//     --api-key KEY --api-secret SECRET --shop dev-store.myshopify.com:dev --shop normal-store.myshopify.com
// `--help` lists every flag; README.md ("CLI") documents them with their environment fallbacks.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ShopifyEmulator, EmulatorOptions } from "./emulator";
import { productSeeds } from "./control";
import { persistEmulatorState, type Persistence } from "./persist";
import { startEmulator } from "./server";
import {
  DEFAULT_SHOPS,
  DEFERRED_APPROVALS,
  type DeferredApproval,
  type ProductSeed,
  type ShopSeed,
} from "./state";

export const USAGE = `Usage: node --import tsx tools/shopify-emulator/cli.ts [flags]
  --port N                    listen port (SHOPIFY_EMULATOR_PORT, default 4100; 0 = any free port)
  --host HOST                 listen host, kept in the URL (SHOPIFY_EMULATOR_HOST, default 127.0.0.1)
  --app-url URL               the app's URL: webhooks and the admin frame's iframe (SHOPIFY_APP_URL)
  --api-key KEY               the app's client id (SHOPIFY_API_KEY)
  --api-secret SECRET         the app's client secret (SHOPIFY_API_SECRET)
  --app-name NAME             shown in the admin frame's nav and title
  --scopes LIST               the app's required scopes, granted by every store (SCOPES, default:
                              shopify.app.toml's)
  --granted-scopes DOMAIN=LIST  what one store granted instead (installed before the app asked for more),
                              repeatable; opening the app then shows the grant page
  --timezone DOMAIN=ZONE      one store's IANA time zone (shop.ianaTimezone), repeatable; default Etc/UTC
  --products PATH             every store's catalog from a JSON file (a list of { title, descriptionHtml?,
                              status?, imageUrl?, ... }); default: six outdoor-gear products
  --shop DOMAIN[:dev][:plus][:staff]
                              a store, repeatable (SHOPIFY_EMULATOR_SHOPS, comma-separated; default
                              dev-store.myshopify.com:dev and normal-store.myshopify.com); :dev a
                              development store, :plus Shopify Plus, :staff a staff review store
  --deferred-approval MODE    pending-until-cycle (default), cancel-old-activate-new-at-once or accepted
  --admin-confirmation-urls   confirmationUrl on https://admin.shopify.com (browser sessions)
  --approval-timeout-ms MS    unanswered charges expire after MS (default 48 h)
  --webhook-api-version V     X-Shopify-API-Version on webhooks (default: shopify.app.toml's)
  --webhook-path TOPIC=PATH   override a webhook route, repeatable
  --hold-webhooks             queue webhooks until released (POST /_emulator/webhooks/release)
  --state-file PATH           keep shops, charges and tokens in PATH across restarts (SHOPIFY_EMULATOR_STATE)
  --extensions-dir PATH       the app's Flow extensions (PATH/*/shopify.extension.toml; default ./extensions)
  --help                      this text`;

export class UsageError extends Error {}

export interface CliOptions {
  options: EmulatorOptions;
  holdWebhooks: boolean;
  stateFile?: string;
}

// "<domain>[:dev][:plus][:staff]" — ":dev" a development store, ":plus" Shopify Plus, ":staff" an App
// Store reviewer's staff store (test charges only).
export function parseShop(spec: string): ShopSeed {
  const [domain, ...flags] = spec.trim().split(":");
  const unknown = flags.filter((flag) => !["dev", "plus", "staff"].includes(flag));
  if (!domain || unknown.length)
    throw new UsageError(`Bad --shop ${spec}: expected DOMAIN[:dev][:plus][:staff]`);
  const seed: ShopSeed = {
    domain,
    partnerDevelopment: flags.includes("dev"),
    shopifyPlus: flags.includes("plus"),
  };
  if (flags.includes("staff")) seed.staffReview = true;
  return seed;
}

function readProducts(path: string): ProductSeed[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--products ${path}: ${(error as Error).message}`);
  }
  try {
    return productSeeds(parsed) ?? [];
  } catch (error) {
    throw new UsageError(`--products ${path}: ${(error as Error).message}`);
  }
}

function deferredApproval(value: string): DeferredApproval {
  if (!(DEFERRED_APPROVALS as readonly string[]).includes(value))
    throw new UsageError(`--deferred-approval must be one of ${DEFERRED_APPROVALS.join(", ")}, got ${value}`);
  return value as DeferredApproval;
}

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got ${value}`);
  return Number(value);
}

// Flags first, then the environment; throws UsageError naming what is missing or wrong.
export type Env = Record<string, string | undefined>;

export function parseEmulatorArgs(argv: string[], env: Env = process.env): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "app-url": { type: "string" },
        "api-key": { type: "string" },
        "api-secret": { type: "string" },
        "app-name": { type: "string" },
        scopes: { type: "string" },
        "granted-scopes": { type: "string", multiple: true },
        timezone: { type: "string", multiple: true },
        products: { type: "string" },
        shop: { type: "string", multiple: true },
        "admin-confirmation-urls": { type: "boolean" },
        "approval-timeout-ms": { type: "string" },
        "webhook-api-version": { type: "string" },
        "webhook-path": { type: "string", multiple: true },
        "deferred-approval": { type: "string" },
        "hold-webhooks": { type: "boolean" },
        "state-file": { type: "string" },
        "extensions-dir": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError(USAGE);
  const required = (value: string | undefined, name: string): string => {
    if (!value) throw new UsageError(`Missing ${name}`);
    return value;
  };
  const shopSpecs = values.shop ?? env.SHOPIFY_EMULATOR_SHOPS?.split(",").filter(Boolean);
  const webhookPaths = values["webhook-path"]?.map((spec): [string, string] => {
    const [topic, path] = spec.split("=");
    if (!topic || !path?.startsWith("/"))
      throw new UsageError(`Bad --webhook-path ${spec}: expected TOPIC=/path`);
    return [topic, path];
  });
  const granted = new Map(
    (values["granted-scopes"] ?? []).map((spec): [string, string] => {
      const [domain, list] = spec.split("=");
      if (!domain || list === undefined)
        throw new UsageError(`Bad --granted-scopes ${spec}: expected DOMAIN=LIST`);
      return [domain.toLowerCase(), list];
    }),
  );
  const timezones = new Map(
    (values.timezone ?? []).map((spec): [string, string] => {
      const [domain, zone] = spec.split("=");
      if (!domain || !zone) throw new UsageError(`Bad --timezone ${spec}: expected DOMAIN=ZONE`);
      return [domain.toLowerCase(), zone];
    }),
  );
  const products = values.products === undefined ? undefined : readProducts(values.products);
  const shops = (shopSpecs ? shopSpecs.map(parseShop) : DEFAULT_SHOPS).map((seed) => ({
    ...seed,
    ...(products ? { products } : {}),
    ...(granted.has(seed.domain.toLowerCase())
      ? { grantedScopes: granted.get(seed.domain.toLowerCase()) }
      : {}),
    ...(timezones.has(seed.domain.toLowerCase())
      ? { timezone: timezones.get(seed.domain.toLowerCase()) }
      : {}),
  }));
  for (const [flag, named] of [
    ["--granted-scopes", granted],
    ["--timezone", timezones],
  ] as const)
    for (const domain of named.keys())
      if (!shops.some((s) => s.domain.toLowerCase() === domain))
        throw new UsageError(`${flag} names ${domain}, which is not one of the stores`);
  const options: EmulatorOptions = {
    port: integer(values.port ?? env.SHOPIFY_EMULATOR_PORT ?? "4100", "--port"),
    host: values.host ?? env.SHOPIFY_EMULATOR_HOST,
    appUrl: required(values["app-url"] ?? env.SHOPIFY_APP_URL, "--app-url or SHOPIFY_APP_URL"),
    apiKey: required(values["api-key"] ?? env.SHOPIFY_API_KEY, "--api-key or SHOPIFY_API_KEY"),
    apiSecret: required(values["api-secret"] ?? env.SHOPIFY_API_SECRET, "--api-secret or SHOPIFY_API_SECRET"),
    appName: values["app-name"],
    scopes: values.scopes ?? env.SCOPES,
    shops,
    adminConfirmationUrls: values["admin-confirmation-urls"] ?? false,
  };
  if (values["approval-timeout-ms"] !== undefined)
    options.approvalTimeoutMs = integer(values["approval-timeout-ms"], "--approval-timeout-ms");
  if (values["webhook-api-version"] !== undefined) options.webhookApiVersion = values["webhook-api-version"];
  if (webhookPaths) options.webhookPaths = Object.fromEntries(webhookPaths);
  if (values["deferred-approval"] !== undefined)
    options.deferredApproval = deferredApproval(values["deferred-approval"]);
  if (values["extensions-dir"] !== undefined) options.extensionsDir = values["extensions-dir"];
  return {
    options,
    holdWebhooks: values["hold-webhooks"] ?? false,
    stateFile: values["state-file"] ?? env.SHOPIFY_EMULATOR_STATE,
  };
}

export interface RunningEmulator {
  emulator: ShopifyEmulator;
  persistence?: Persistence;
  // Saves the state file (when there is one) and stops the server.
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Env;
  log?: (line: string) => void;
  // false: only the state file's line; the caller announces the URL itself (scripts/dev.mjs).
  announce?: boolean;
}

// Starts the emulator as the flags say and prints what it restored and what it serves through `log`.
export async function startFromArgs(
  argv: string[],
  { env = process.env, log = console.log, announce = true }: StartOptions = {},
): Promise<RunningEmulator> {
  const cli = parseEmulatorArgs(argv, env);
  const emulator = await startEmulator(cli.options);
  if (cli.holdWebhooks) emulator.webhooks.mode = "hold";
  const persistence = cli.stateFile ? persistEmulatorState(emulator, cli.stateFile) : undefined;
  const loaded = persistence?.loaded;
  if (loaded?.status === "restored") {
    log(
      `Emulator state restored from ${cli.stateFile} (${loaded.charges} charge(s), ${loaded.tokens} token(s))`,
    );
  } else if (loaded?.status === "reset") {
    log(
      `Emulator state in ${cli.stateFile} could not be read (${loaded.reason}): started fresh, file rewritten`,
    );
  }
  if (announce) {
    log(`Shopify emulator on ${emulator.url}`);
    for (const shop of emulator.state.shops.values()) {
      log(`  ${shop.domain}${shop.partnerDevelopment ? " (development store)" : ""}`);
    }
    log(`Controls: ${emulator.url}/_emulator/state · webhooks → ${emulator.options.appUrl}`);
  }
  return {
    emulator,
    persistence,
    async close() {
      persistence?.stop();
      await emulator.close();
    },
  };
}

async function main(): Promise<void> {
  let running: RunningEmulator;
  try {
    running = await startFromArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(error.message === USAGE ? 0 : 2);
    }
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      const port = (error as { port?: number }).port;
      console.error(`Port ${port} is already in use: pick another with --port or SHOPIFY_EMULATOR_PORT`);
      process.exit(1);
    }
    throw error;
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
