import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionToken } from "./token-exchange";
import { API_KEY, API_SECRET, DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

let env: Awaited<ReturnType<typeof setUpEmulator>>;
beforeEach(async () => {
  env = await setUpEmulator();
});
afterEach(() => env.close());

async function exchange(shop: string, params: Record<string, string>, contentType = "application/json") {
  const body =
    contentType === "application/json" ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const response = await env.fetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": contentType, Accept: "application/json" },
    body,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- OAuth answers vary by outcome
  return { status: response.status, body: (await response.json()) as any };
}

const tokenExchangeParams = (subjectToken: string, requested = "offline") => ({
  client_id: API_KEY,
  client_secret: API_SECRET,
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token: subjectToken,
  subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
  requested_token_type: `urn:shopify:params:oauth:token-type:${requested}-access-token`,
});

describe("token exchange", () => {
  it("exchanges a valid session token for an offline access token that opens the Admin API", async () => {
    const result = await exchange(DEV_STORE, tokenExchangeParams(env.emulator.sessionToken(DEV_STORE)));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      access_token: expect.stringMatching(/^shpat_/),
      scope: "write_content,read_products",
    });
    const shop = await env.gql(DEV_STORE, result.body.access_token, "{ shop { myshopifyDomain } }");
    expect(shop.body.data).toEqual({ shop: { myshopifyDomain: DEV_STORE } });
  });

  it("accepts a form-encoded body too", async () => {
    const result = await exchange(
      DEV_STORE,
      tokenExchangeParams(env.emulator.sessionToken(DEV_STORE)),
      "application/x-www-form-urlencoded",
    );
    expect(result.status).toBe(200);
  });

  it("answers an online token request with the associated user and expiry", async () => {
    const token = env.emulator.sessionToken(DEV_STORE, { userId: 42 });
    const result = await exchange(DEV_STORE, tokenExchangeParams(token, "online"));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      scope: "write_content,read_products",
      expires_in: 86399,
      associated_user_scope: "write_content,read_products",
      associated_user: { id: 42, account_owner: false, email: expect.any(String) },
    });
  });

  it("issues an expiring offline token whose refresh token can be used exactly once", async () => {
    const params = { ...tokenExchangeParams(env.emulator.sessionToken(DEV_STORE)), expiring: "1" };
    const first = await exchange(DEV_STORE, params);
    expect(first.body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) });
    const refresh = {
      client_id: API_KEY,
      client_secret: API_SECRET,
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
    };
    const second = await exchange(DEV_STORE, refresh);
    expect(second.status).toBe(200);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect((await exchange(DEV_STORE, refresh)).body.error).toBe("invalid_grant");
  });

  it("rejects a session token signed with another secret with 400 invalid_subject_token", async () => {
    const forged = sessionToken(DEV_STORE, { apiKey: API_KEY, apiSecret: "not-the-secret" });
    const result = await exchange(DEV_STORE, tokenExchangeParams(forged));
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: "invalid_subject_token",
      error_description: "Signature verification failed",
    });
  });

  it("rejects an expired session token", async () => {
    const old = sessionToken(DEV_STORE, {
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      issuedAt: Math.floor(Date.now() / 1000) - 3600,
    });
    const result = await exchange(DEV_STORE, tokenExchangeParams(old));
    expect(result.status).toBe(400);
    expect(result.body.error_description).toBe("Token has expired");
  });

  it("rejects a session token minted for another app or another shop", async () => {
    const otherApp = sessionToken(DEV_STORE, { apiKey: "other-app", apiSecret: API_SECRET });
    expect((await exchange(DEV_STORE, tokenExchangeParams(otherApp))).body.error_description).toMatch(
      /audience/,
    );
    const otherShop = env.emulator.sessionToken(NORMAL_STORE);
    const result = await exchange(DEV_STORE, tokenExchangeParams(otherShop));
    expect(result.status).toBe(400);
    expect(result.body.error_description).toMatch(/destination/);
  });

  it("rejects a wrong client secret with 401 invalid_client", async () => {
    const params = { ...tokenExchangeParams(env.emulator.sessionToken(DEV_STORE)), client_secret: "wrong" };
    const result = await exchange(DEV_STORE, params);
    expect(result.status).toBe(401);
    expect(result.body.error).toBe("invalid_client");
  });

  it("rejects garbage instead of a JWT", async () => {
    const result = await exchange(DEV_STORE, tokenExchangeParams("not-a-jwt"));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe("invalid_subject_token");
  });
});
