// shopify-app-remix's document headers (addDocumentResponseHeaders), adjusted for the emulator's admin from
// outside the app (register.ts), in development and tests only: Content-Security-Policy frame-ancestors
// lists only Shopify's admin origins, so a browser would refuse to show the app in the emulator's admin
// frame — it gains the emulator's origin; the App Bridge preload (Link) points at the stand-in instead of
// Shopify's unreachable CDN.

import { ServerResponse } from "node:http";

const FRAME_ANCESTORS = /\bframe-ancestors\s+(?!'none')/i;
const CDN_APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

export function adjustDocumentHeaders(emulatorOrigin: string, appBridgeUrl: string): void {
  const setHeader = ServerResponse.prototype.setHeader;
  ServerResponse.prototype.setHeader = function (name, value) {
    if (typeof value !== "string") return setHeader.call(this, name, value);
    const header = name.toLowerCase();
    const adjusted =
      header === "content-security-policy"
        ? value.replace(FRAME_ANCESTORS, (directive) => `${directive}${emulatorOrigin} `)
        : header === "link"
          ? value.replace(CDN_APP_BRIDGE, appBridgeUrl)
          : value;
    return setHeader.call(this, name, adjusted);
  };
}
