// Runs the emulator for local development:
//   node --import tsx tools/shopify-emulator/cli.ts --port 4100 --app-url http://localhost:3000 \
//     --api-key KEY --api-secret SECRET --shop dev-store.myshopify.com:dev --shop normal-store.myshopify.com
// Every flag has an environment fallback (SHOPIFY_EMULATOR_PORT, SHOPIFY_APP_URL, SHOPIFY_API_KEY,
// SHOPIFY_API_SECRET, SHOPIFY_EMULATOR_SHOPS as a comma-separated list, SCOPES).

import { parseArgs } from "node:util";
import { startEmulator } from "./server";
import { DEFAULT_SHOPS, type ShopSeed } from "./state";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "app-url": { type: "string" },
    "api-key": { type: "string" },
    "api-secret": { type: "string" },
    scopes: { type: "string" },
    shop: { type: "string", multiple: true },
    "hold-webhooks": { type: "boolean" },
  },
});

// "<domain>[:dev][:plus]" — ":dev" marks a development store (test charges only).
function parseShop(spec: string): ShopSeed {
  const [domain, ...flags] = spec.trim().split(":");
  return { domain: domain!, partnerDevelopment: flags.includes("dev"), shopifyPlus: flags.includes("plus") };
}

function required(value: string | undefined, name: string): string {
  if (!value) {
    console.error(`Missing ${name}`);
    process.exit(2);
  }
  return value;
}

const shopSpecs = values.shop ?? process.env.SHOPIFY_EMULATOR_SHOPS?.split(",").filter(Boolean);
const emulator = await startEmulator({
  port: Number(values.port ?? process.env.SHOPIFY_EMULATOR_PORT ?? 4100),
  host: values.host,
  appUrl: required(values["app-url"] ?? process.env.SHOPIFY_APP_URL, "--app-url or SHOPIFY_APP_URL"),
  apiKey: required(values["api-key"] ?? process.env.SHOPIFY_API_KEY, "--api-key or SHOPIFY_API_KEY"),
  apiSecret: required(
    values["api-secret"] ?? process.env.SHOPIFY_API_SECRET,
    "--api-secret or SHOPIFY_API_SECRET",
  ),
  scopes: values.scopes ?? process.env.SCOPES,
  shops: shopSpecs ? shopSpecs.map(parseShop) : DEFAULT_SHOPS,
});
if (values["hold-webhooks"]) emulator.webhooks.mode = "hold";

console.log(`Shopify emulator on ${emulator.url}`);
for (const shop of emulator.state.shops.values()) {
  console.log(`  ${shop.domain}${shop.partnerDevelopment ? " (development store)" : ""}`);
}
console.log(`Controls: ${emulator.url}/_emulator/state · webhooks → ${emulator.options.appUrl}`);

const stop = () => void emulator.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
