// Points the app's Shopify clients at the emulator from outside the app: loaded before the app with
// `node --import tsx --import <this file>` (scripts/dev.mjs) and as a vitest setupFile. Does nothing unless
// SHOPIFY_EMULATOR_URL is set, so app/** carries no emulator switch.
//
// shopify-app-remix's /server entry sets shopify-api's fetch when first imported (its web-api adapter), so
// it is imported here first, with the node adapter the app uses, and the fetch replaced after; the app's
// later imports of them reuse these module instances and do not run again. Vite's dev server (SSR) and
// remix-serve load node_modules through Node's own ESM loader, so the app shares these instances.

import "@shopify/shopify-app-remix/adapters/node";
import "@shopify/shopify-app-remix/server";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { emulatorFetch } from "./fetch";
import { adjustDocumentHeaders } from "./document-headers";

const emulatorUrl = process.env.SHOPIFY_EMULATOR_URL;
if (emulatorUrl) {
  setAbstractFetchFunc(emulatorFetch(emulatorUrl));
  adjustDocumentHeaders(new URL(emulatorUrl).origin, `${emulatorUrl.replace(/\/$/, "")}/app-bridge.js`);
}
