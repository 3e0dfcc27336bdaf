import { describe, expect, test } from "vitest";
import { adminAuthFailure, sessionTokenNamesShop } from "./admin-auth.server";

const token = (payload: object) =>
  `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;
const bearer = (payload: object) =>
  new Request("https://app.example.com/app/billing.data", {
    headers: { Authorization: `Bearer ${token(payload)}` },
  });
const bare500 = () => new Response(undefined, { status: 500, statusText: "Internal Server Error" });
const statusOf = (answer: unknown) => (answer as Response).status;

describe("shopify-app-remix's bare 500 after a token exchange", () => {
  const request = bearer({ dest: "https://shop.myshopify.com" });

  test("is a 403 when Shopify refused the exchange (it does not know the shop)", async () => {
    for (const status of [400, 401, 403, 404]) {
      const answer = adminAuthFailure(bare500(), { status }, request) as Response;
      expect(answer.status, String(status)).toBe(403);
      expect(await answer.json()).toEqual({ error: "Shopify did not give this store access to the app" });
    }
  });

  test("is a 503 when Shopify did not answer, failed or throttled: a retry may succeed", () => {
    for (const status of [0, 429, 500, 502, 503])
      expect(statusOf(adminAuthFailure(bare500(), { status }, request)), String(status)).toBe(503);
  });

  test("stands when no exchange failed (a bug, or the afterAuth hook)", () => {
    const error = bare500();
    expect(adminAuthFailure(error, {}, request)).toBe(error);
    expect(adminAuthFailure(error, { status: 200 }, request)).toBe(error);
  });
});

test("the library's own answers (bounce page, 401 retry, 410 for bots, redirects) pass through", () => {
  const request = bearer({ dest: "https://shop.myshopify.com" });
  for (const status of [302, 401, 410]) {
    const response = new Response(null, { status });
    expect(adminAuthFailure(response, { status: 404 }, request)).toBe(response);
  }
});

test("a token whose dest is not a Shopify store is a 400, whatever the library threw", () => {
  for (const dest of [
    "https://evil.example.com",
    "https://shop.myshopify.com.evil.example",
    "not a url",
    42,
  ]) {
    const answer = adminAuthFailure(new Error("Received invalid shop argument"), {}, bearer({ dest }));
    expect(statusOf(answer), String(dest)).toBe(400);
  }
  const document = new Request(
    `https://app.example.com/app?id_token=${token({ dest: "https://evil.example.com" })}`,
  );
  expect(statusOf(adminAuthFailure(new TypeError("Invalid URL"), {}, document))).toBe(400);
});

test("other errors of a token naming a shop are left as they are, transient ones as 503", () => {
  const request = bearer({ dest: "https://shop.myshopify.com" });
  const bug = new TypeError("x is undefined");
  expect(adminAuthFailure(bug, {}, request)).toBe(bug);
  expect(statusOf(adminAuthFailure({ code: "P1001" }, {}, request))).toBe(503);
  expect(sessionTokenNamesShop(new Request("https://app.example.com/app"))).toBe(true);
});
