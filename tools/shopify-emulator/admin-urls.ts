// Shopify admin addresses in the emulator. The emulator serves admin.shopify.com's paths at its own origin
// (the admin frame under /store/<handle>/apps/<api key>/…), so URLs an app builds for production — a
// billing returnUrl, a confirmationUrl it exits the iframe to — lead to the emulator unchanged.

export const SHOPIFY_ADMIN_ORIGIN = "https://admin.shopify.com";

export const shopHandle = (domain: string) => domain.replace(/\.myshopify\.com$/i, "");

export const shopDomain = (handle: string) => `${handle.toLowerCase()}.myshopify.com`;

// Shopify's `host` parameter: unpadded base64 of "admin.shopify.com/store/<handle>".
export function hostParam(domain: string): string {
  return Buffer.from(`admin.shopify.com/store/${shopHandle(domain)}`)
    .toString("base64")
    .replace(/=+$/, "");
}

// The admin page that embeds the app at `appPath` (the app's home when empty).
export function adminFrameUrl(emulatorUrl: string, domain: string, apiKey: string, appPath = ""): string {
  const path = appPath && !appPath.startsWith("/") ? `/${appPath}` : appPath;
  return `${emulatorUrl}/store/${shopHandle(domain)}/apps/${encodeURIComponent(apiKey)}${path}`;
}

// https://admin.shopify.com/<path> → <emulator>/<path>; any other URL is returned unchanged.
export function toEmulatorUrl(url: string, emulatorUrl: string): string {
  return url.startsWith(`${SHOPIFY_ADMIN_ORIGIN}/`)
    ? `${emulatorUrl}${url.slice(SHOPIFY_ADMIN_ORIGIN.length)}`
    : url;
}
