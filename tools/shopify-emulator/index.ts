// Public entry point of the local Shopify Admin emulator (dev/test only).
export { startEmulator } from "./server";
export { ShopifyEmulator, type EmulatorOptions, type ClockStep } from "./emulator";
export { emulatorFetch, EMULATOR_SHOP_HEADER } from "./fetch";
export { sessionToken, verifySessionToken } from "./token-exchange";
export {
  signWebhook,
  DEFAULT_WEBHOOK_PATHS,
  type Webhook,
  type DeliveryAttempt,
  type DeliveryMode,
} from "./webhooks";
export { DEFAULT_SHOPS, DAY_MS, type ShopSeed, type Charge, type Subscription, type Purchase } from "./state";
export { adminFrameUrl, hostParam, toEmulatorUrl, SHOPIFY_ADMIN_ORIGIN } from "./admin-urls";
export { readFlowExtensions, type FlowExtension, type FlowField } from "./extensions";
export type { FlowActionCall, FlowTriggerCall } from "./flow";
