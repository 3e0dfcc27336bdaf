// Points the app's Shopify clients at the emulator from outside the app: scripts/dev.mjs bundles this file
// and loads it into the app's process with `node --import`, with SHOPIFY_EMULATOR_URL set, so app/**
// carries no emulator switch. (Tests wire the emulator their own way: tests/app-harness.ts.)
//
// shopify-app-remix's /server entry sets shopify-api's fetch when first imported (its web-api adapter), so
// it is imported here first, with the node adapter the app uses, and the fetch replaced after; the app's
// later imports of them reuse these module instances and do not run again. Vite's dev server (SSR) and
// remix-serve load node_modules through Node's own ESM loader, so the app shares these instances.
import "@shopify/shopify-app-remix/adapters/node";
import "@shopify/shopify-app-remix/server";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { adjustDocumentHeaders } from "./document-headers";
import { emulatorFetch } from "./fetch";

const emulatorUrl = process.env.SHOPIFY_EMULATOR_URL;
if (!emulatorUrl) throw new Error("register.ts needs SHOPIFY_EMULATOR_URL (scripts/dev.mjs sets it)");
setAbstractFetchFunc(emulatorFetch(emulatorUrl));
adjustDocumentHeaders(new URL(emulatorUrl).origin, `${emulatorUrl.replace(/\/$/, "")}/app-bridge.js`);
