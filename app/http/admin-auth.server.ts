// What an admin request that failed to authenticate is answered. shopify-app-remix 4.2.1 answers the cases
// it knows (a bad or expired session token: 401 with a retry header, or the bounce page; a bot: 410) but
// lets two kinds of permanent bad input through as 500s:
// - a validly signed session token whose `dest` is not a shop: `api.session.getOfflineId` throws
//   InvalidShopError (or `new URL(dest)` a TypeError) from inside authenticate.admin;
// - a token exchange Shopify refuses (a shop it does not know): TokenExchangeStrategy throws a bare 500
//   for every exchange failure except `invalid_subject_token`, Shopify's 4xx and 5xx alike.
// shopify.server.ts records the exchange's HTTP status while it authenticates, so the two can be told apart.
import { httpError, toHttpError, unavailable } from "./errors.server";

/** The token exchange made while authenticating: its HTTP status, 0 if Shopify never answered. */
export interface TokenExchangeOutcome {
  status?: number;
}

// shopify-api's sanitizeShop accepts these shop domains (lib/utils/shop-validator).
const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.(myshopify\.com|shopify\.com|myshopify\.io|shop\.dev)$/;

/** The session token the request carries: App Bridge's Authorization header, or a document's id_token. */
function sessionTokenOf(request: Request): string | null {
  const header = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1];
  return header ?? new URL(request.url).searchParams.get("id_token");
}

/** Whether the request's session token (unverified: only read after the library verified it) names a shop. */
export function sessionTokenNamesShop(request: Request): boolean {
  const token = sessionTokenOf(request);
  if (!token) return true;
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
      dest?: unknown;
    };
    return typeof payload.dest === "string" && SHOP_DOMAIN.test(new URL(payload.dest).hostname);
  } catch {
    return false;
  }
}

/** The answer to an admin request whose authentication threw `error`. */
export function adminAuthFailure(error: unknown, exchange: TokenExchangeOutcome, request: Request): unknown {
  if (error instanceof Response) {
    // Redirects, the bounce page, 401s and 410s are shopify-app-remix's protocol with App Bridge: as is.
    if (
      error.status !== 500 ||
      exchange.status === undefined ||
      (exchange.status >= 200 && exchange.status < 300)
    )
      return error;
    if (exchange.status >= 400 && exchange.status < 500 && exchange.status !== 429)
      return httpError(403, "Shopify did not give this store access to the app");
    return unavailable("Shopify is not answering; try again in a moment");
  }
  if (!sessionTokenNamesShop(request))
    return httpError(400, "The session token does not name a Shopify store");
  return toHttpError(error) ?? error;
}
