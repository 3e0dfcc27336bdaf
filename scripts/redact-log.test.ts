// `npm run dev` redacts tokens from what it prints (scripts/redact-log.mjs).

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { pipeRedacted, redact } from "./redact-log.mjs";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly94In0.c2lnbmF0dXJl";

describe("dev log redaction", () => {
  it("redacts id_token, session, hmac, code and state in URLs, keeping the rest", () => {
    expect(
      redact(
        `No routes matched location "/app?embedded=1&shop=a.myshopify.com&id_token=${JWT}&session=abc&hmac=f00&code=123&state=xyz&host=aG9zdA"`,
      ),
    ).toBe(
      'No routes matched location "/app?embedded=1&shop=a.myshopify.com&id_token=[redacted]&session=[redacted]&hmac=[redacted]&code=[redacted]&state=[redacted]&host=aG9zdA"',
    );
    expect(redact("GET /auth/callback?code=abc123&shop=x")).toBe("GET /auth/callback?code=[redacted]&shop=x");
    // An encoded URL inside another URL (a returnUrl, the bounce page's shopify-reload).
    expect(redact("/auth/session-token?shopify-reload=%2Fapp%3Fid_token%3Dsecret%26x%3D1")).toBe(
      "/auth/session-token?shopify-reload=%2Fapp%3Fid_token%3D[redacted]%26x%3D1",
    );
  });

  it("redacts Authorization and access token headers, token fields and bare tokens", () => {
    expect(redact(`Authorization: Bearer ${JWT}`)).toBe("Authorization: [redacted]");
    expect(redact(`{ authorization: 'Bearer ${JWT}' }`)).toBe("{ authorization: '[redacted]' }");
    expect(redact('"X-Shopify-Access-Token": "shpat_0123abcd"')).toBe(
      '"X-Shopify-Access-Token": "[redacted]"',
    );
    expect(redact('{"access_token":"secret","scope":"write_content"}')).toBe(
      '{"access_token":"[redacted]","scope":"write_content"}',
    );
    expect(redact(`token ${JWT} and shpua_abc123 here`)).toBe("token [redacted] and [redacted] here");
  });

  it("leaves ordinary lines alone, an error's code too", () => {
    for (const line of [
      "[shopify-app/INFO] Authenticating admin request | {shop: dev-store.myshopify.com}",
      "Error: connect ECONNREFUSED 127.0.0.1:5432 { code: 'ECONNREFUSED' }",
      "  ➜  Local:   http://localhost:3000/",
      "GET /app/billing?notice=plan-approved&plan=starter",
    ])
      expect(redact(line)).toBe(line);
  });

  it("redacts a stream line by line, a token split across chunks included", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => (text += chunk.toString()));
    pipeRedacted(input, output);
    input.write(`first /app?id_token=${JWT.slice(0, 20)}`);
    input.write(`${JWT.slice(20)}&x=1\nsecond`);
    input.end(" line\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toBe("first /app?id_token=[redacted]&x=1\nsecond line\n");
  });
});
