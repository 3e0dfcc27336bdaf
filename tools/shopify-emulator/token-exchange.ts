// OAuth token exchange (`POST /admin/oauth/access_token`): turns an App Bridge session token into an
// offline or online access token, plus the refresh grant for expiring offline tokens. Session tokens are
// HS256 JWTs signed with the app secret; minted and checked with node:crypto (no JWT dependency).

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { EmulatorState } from "./state";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

// Lifetimes Shopify uses: App Bridge tokens live a minute, online tokens a day, expiring offline tokens
// an hour with a 90-day refresh token.
const SESSION_TOKEN_TTL_S = 60;
const ONLINE_TOKEN_TTL_S = 86_399;
const EXPIRING_OFFLINE_TTL_S = 3_600;
const REFRESH_TOKEN_TTL_S = 90 * 24 * 3_600;
const CLOCK_TOLERANCE_S = 10;

export interface AppCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface SessionTokenOptions extends AppCredentials {
  userId?: number;
  // Seconds since epoch; defaults to the wall clock, which is what the app checks tokens against.
  issuedAt?: number;
  ttlSeconds?: number;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function hs256(input: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(input).digest();
}

// What App Bridge's `shopify.idToken()` returns inside the admin for `shop`.
export function sessionToken(shop: string, options: SessionTokenOptions): string {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: options.apiKey,
    sub: String(options.userId ?? 1),
    exp: iat + (options.ttlSeconds ?? SESSION_TOKEN_TTL_S),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
  };
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${base64url(hs256(unsigned, options.apiSecret))}`;
}

export interface SessionTokenClaims {
  dest: string;
  aud: string;
  sub?: string;
  exp: number;
  nbf: number;
}

export function verifySessionToken(
  token: string,
  credentials: AppCredentials,
  shop: string,
): SessionTokenClaims | string {
  const parts = token.split(".");
  if (parts.length !== 3) return "Token is not a JWT";
  const [header, body, signature] = parts as [string, string, string];
  let claims: SessionTokenClaims;
  try {
    if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "HS256")
      return "Unsupported JWT algorithm";
    claims = JSON.parse(Buffer.from(body, "base64url").toString());
  } catch {
    return "Token is not a JWT";
  }
  const expected = hs256(`${header}.${body}`, credentials.apiSecret);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return "Signature verification failed";
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_TOLERANCE_S < now) return "Token has expired";
  if (typeof claims.nbf !== "number" || claims.nbf - CLOCK_TOLERANCE_S > now) return "Token is not yet valid";
  if (claims.aud !== credentials.apiKey) return "Token audience does not match the client id";
  if (claims.dest !== `https://${shop}`) return "Token destination does not match the shop";
  return claims;
}

export interface OAuthResponse {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): OAuthResponse => ({
  status,
  body: { error, error_description: description },
});

export class TokenIssuer {
  constructor(
    private readonly state: EmulatorState,
    private readonly credentials: AppCredentials,
  ) {}

  // A token carries what the merchant granted the app on this store, not what the app asks for.
  private scopes(shop: string): string {
    return this.state.requireShop(shop).grantedScopes;
  }

  handle(shopDomain: string, params: Record<string, string | undefined>): OAuthResponse {
    if (params.client_id !== this.credentials.apiKey || params.client_secret !== this.credentials.apiSecret) {
      return oauthError(
        401,
        "invalid_client",
        "Client authentication failed: unknown client_id or wrong client_secret",
      );
    }
    if (params.grant_type === TOKEN_EXCHANGE_GRANT) return this.exchange(shopDomain, params);
    if (params.grant_type === "refresh_token") return this.refresh(shopDomain, params.refresh_token);
    return oauthError(
      400,
      "unsupported_grant_type",
      `Grant type ${params.grant_type ?? "(none)"} is not supported`,
    );
  }

  grantOffline(shop: string): string {
    return this.issue(shop, "shpat", false);
  }

  private exchange(shopDomain: string, params: Record<string, string | undefined>): OAuthResponse {
    if (!params.subject_token) return oauthError(400, "missing_subject_token", "subject_token is required");
    if (params.subject_token_type !== ID_TOKEN_TYPE) {
      return oauthError(400, "invalid_request", `subject_token_type must be ${ID_TOKEN_TYPE}`);
    }
    const claims = verifySessionToken(params.subject_token, this.credentials, shopDomain);
    if (typeof claims === "string") return oauthError(400, "invalid_subject_token", claims);
    const shop = this.state.requireShop(shopDomain);
    // The merchant only gets a session token from an installed app, so exchanging one means it is installed.
    shop.installed = true;
    if (params.requested_token_type === OFFLINE_TOKEN_TYPE)
      return this.offline(shopDomain, params.expiring === "1");
    if (params.requested_token_type === ONLINE_TOKEN_TYPE) {
      const userId = Number(claims.sub ?? 1);
      const token = this.issue(shopDomain, "shpua", true, ONLINE_TOKEN_TTL_S, userId);
      return {
        status: 200,
        body: {
          access_token: token,
          scope: this.scopes(shopDomain),
          expires_in: ONLINE_TOKEN_TTL_S,
          associated_user_scope: this.scopes(shopDomain),
          associated_user: {
            id: userId,
            first_name: "Staff",
            last_name: `Member ${userId}`,
            email: `staff-${userId}@${shopDomain.replace(".myshopify.com", "")}.example`,
            account_owner: userId === 1,
            locale: "en",
            collaborator: false,
            email_verified: true,
          },
        },
      };
    }
    return oauthError(
      400,
      "invalid_request",
      `requested_token_type ${params.requested_token_type ?? "(none)"} is not supported`,
    );
  }

  private refresh(shopDomain: string, refreshToken: string | undefined): OAuthResponse {
    const record = refreshToken ? this.state.refreshTokens.get(refreshToken) : undefined;
    if (!record || record.shop !== shopDomain || record.expiresAt <= Date.now()) {
      return oauthError(400, "invalid_grant", "Refresh token is invalid, expired or revoked");
    }
    this.state.refreshTokens.delete(record.token);
    return this.offline(shopDomain, true);
  }

  private offline(shopDomain: string, expiring: boolean): OAuthResponse {
    const token = this.issue(shopDomain, "shpat", false, expiring ? EXPIRING_OFFLINE_TTL_S : undefined);
    const scope = this.scopes(shopDomain);
    if (!expiring) return { status: 200, body: { access_token: token, scope } };
    const refresh = `shprt_${randomBytes(16).toString("hex")}`;
    this.state.refreshTokens.set(refresh, {
      token: refresh,
      shop: shopDomain,
      scope,
      expiresAt: Date.now() + REFRESH_TOKEN_TTL_S * 1000,
    });
    return {
      status: 200,
      body: {
        access_token: token,
        scope,
        expires_in: EXPIRING_OFFLINE_TTL_S,
        refresh_token: refresh,
        refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
      },
    };
  }

  private issue(shop: string, prefix: string, online: boolean, ttlSeconds?: number, userId?: number): string {
    const token = `${prefix}_${randomBytes(16).toString("hex")}`;
    this.state.accessTokens.set(token, {
      token,
      shop,
      online,
      scope: this.scopes(shop),
      expiresAt: ttlSeconds === undefined ? undefined : Date.now() + ttlSeconds * 1000,
      userId,
    });
    return token;
  }
}
