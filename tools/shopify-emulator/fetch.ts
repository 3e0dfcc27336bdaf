// The fetch override the app installs (development and tests only) with shopify-api's
// `setAbstractFetchFunc`: requests to `https://<shop>.myshopify.com/...` go to the emulator instead, with
// the shop named in a header because the emulator serves every shop from one origin.

export const EMULATOR_SHOP_HEADER = "X-Shopify-Emulator-Shop";

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export function emulatorFetch(emulatorUrl: string, baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  const origin = emulatorUrl.replace(/\/$/, "");
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!SHOP_HOST.test(url.hostname)) return baseFetch(request);
    const headers = new Headers(request.headers);
    headers.set(EMULATOR_SHOP_HEADER, url.hostname.toLowerCase());
    const body = request.body === null ? undefined : await request.arrayBuffer();
    return baseFetch(`${origin}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body,
      redirect: request.redirect,
      signal: request.signal,
    });
  };
}
