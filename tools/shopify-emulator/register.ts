// Points the app's Shopify clients at the emulator from outside the app: loaded before the app with
// `node --import tsx --import <this file>` (scripts/dev.mjs) and as a vitest setupFile. Does nothing — not
// even an import — unless SHOPIFY_EMULATOR_URL is set, so app/** carries no emulator switch and tests that
// wire the emulator their own way (tests/app-harness.ts patches globalThis.fetch before the app's first
// import of shopify-api) are left alone.
//
// shopify-app-remix's /server entry sets shopify-api's fetch when first imported (its web-api adapter), so
// it is imported here first, with the node adapter the app uses, and the fetch replaced after; the app's
// later imports of them reuse these module instances and do not run again. Vite's dev server (SSR) and
// remix-serve load node_modules through Node's own ESM loader, so the app shares these instances.

const emulatorUrl = process.env.SHOPIFY_EMULATOR_URL;
if (emulatorUrl) {
  await import("@shopify/shopify-app-remix/adapters/node");
  await import("@shopify/shopify-app-remix/server");
  const { setAbstractFetchFunc } = await import("@shopify/shopify-api/runtime");
  const { emulatorFetch } = await import("./fetch");
  const { adjustDocumentHeaders } = await import("./document-headers");
  setAbstractFetchFunc(emulatorFetch(emulatorUrl));
  adjustDocumentHeaders(new URL(emulatorUrl).origin, `${emulatorUrl.replace(/\/$/, "")}/app-bridge.js`);
}

// A module, for the top-level awaits above.
export {};
