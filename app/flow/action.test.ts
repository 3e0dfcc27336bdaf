// The Flow action's signature check and idempotency key (the route's scenarios: tests/scenarios/flow-action-*).
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { flowIdempotencyKey, isFlowSignature, parseFlowBody } from "./action.server";

const secret = "app-secret";
const bytes = (text: string) => new TextEncoder().encode(text);
const sign = (text: string, key = secret) => createHmac("sha256", key).update(text).digest("base64");

describe("isFlowSignature", () => {
  const body = '{"handle":"generate-blog-draft"}';
  it("accepts the app's signature of exactly these bytes", () => {
    expect(isFlowSignature(bytes(body), sign(body), secret)).toBe(true);
  });
  it("refuses another secret's signature, another body's, a cut-off or missing one", () => {
    expect(isFlowSignature(bytes(body), sign(body, "other"), secret)).toBe(false);
    expect(isFlowSignature(bytes(`${body} `), sign(body), secret)).toBe(false);
    expect(isFlowSignature(bytes(body), sign(body).slice(0, 20), secret)).toBe(false);
    expect(isFlowSignature(bytes(body), "", secret)).toBe(false);
    expect(isFlowSignature(bytes(body), null, secret)).toBe(false);
  });
});

describe("flowIdempotencyKey", () => {
  it("is the same for the same action run id, another for another, and a valid job key", () => {
    const key = flowIdempotencyKey("4f1d-run");
    expect(flowIdempotencyKey("4f1d-run")).toBe(key);
    expect(flowIdempotencyKey("4f1d-run2")).not.toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

describe("parseFlowBody", () => {
  it("reads Flow's body and refuses one that is not JSON, not Flow's shape or another action's", () => {
    const body = {
      shop_id: "7",
      shopify_domain: "Shop.myshopify.com",
      action_run_id: "r1",
      action_definition_id: "Generate blog draft",
      handle: "generate-blog-draft",
      properties: { topic: "Rain" },
    };
    expect(parseFlowBody(bytes(JSON.stringify(body)))).toMatchObject({
      shop_id: "7",
      shopify_domain: "shop.myshopify.com",
      action_run_id: "r1",
    });
    expect(() => parseFlowBody(bytes("{"))).toThrow("The body is not JSON");
    expect(() => parseFlowBody(bytes(JSON.stringify({ ...body, shopify_domain: "evil.com" })))).toThrow(
      "The body is not a Flow action request (shopify_domain)",
    );
    expect(() => parseFlowBody(bytes(JSON.stringify({ ...body, handle: "other" })))).toThrow(
      "This endpoint runs generate-blog-draft, not other",
    );
  });
});
