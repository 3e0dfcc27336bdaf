// Shopify Flow in the emulator: the app's extensions read from their TOML, flowTriggerReceive checked and
// recorded per shop, and a flow_action invoked as Flow does it (signed body to the runtime URL's path).
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFlowExtensions } from "./extensions";
import { API_SECRET, DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

const RECEIVE = `mutation Receive($handle: String!, $payload: JSON!) {
  flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
}`;

describe("the app's Flow extensions", () => {
  it("are read from extensions/*/shopify.extension.toml: the action with its runtime URL and fields, and both triggers", () => {
    const extensions = readFlowExtensions();
    expect(extensions.map((e) => [e.type, e.handle, e.name])).toEqual([
      ["flow_trigger", "blog-draft-ready", "Blog draft ready"],
      ["flow_trigger", "credits-running-low", "Credits running low"],
      ["flow_action", "generate-blog-draft", "Generate blog draft"],
    ]);
    const action = extensions.find((e) => e.type === "flow_action")!;
    expect(action.runtimeUrl).toBe("https://example.com/flow/actions/generate-blog-draft");
    expect(action.fields.map((f) => [f.key, f.type, f.required])).toEqual([
      ["topic", "single_line_text_field", true],
      ["audience", "single_line_text_field", false],
      ["tone", "single_line_text_field", false],
      ["keywords", "single_line_text_field", false],
      ["length", "single_line_text_field", false],
      ["language", "single_line_text_field", false],
      ["blog_id", "single_line_text_field", false],
    ]);
  });
});

// An app with one action and one trigger in a folder of the test's own, and a server that records what the
// action's runtime URL receives and checks its signature as the app must.
let dir: string;
let app: Server;
let appUrl: string;
const received: { path: string; body: string; hmacValid: boolean }[] = [];
let answer = 200;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flow-extensions-"));
  mkdirSync(join(dir, "do-it"));
  writeFileSync(
    join(dir, "do-it", "shopify.extension.toml"),
    `[[extensions]]
name = "Do it"   # a comment
type = "flow_action"
handle = "do-it"
runtime_url = "https://app.example/flow/do-it?v=1"

[settings]

  [[settings.fields]]
  type = "single_line_text_field"
  key = "what"
  name = "What"
  required = true

  [[settings.fields]]
  type = "single_line_text_field"
  key = "note"
  name = "Note"
`,
  );
  mkdirSync(join(dir, "done"));
  writeFileSync(
    join(dir, "done", "shopify.extension.toml"),
    `[[extensions]]
name = 'Done'
type = "flow_trigger"
handle = "done"

[settings]
  [[settings.fields]]
  type = "single_line_text_field"
  key = "Title"
  [[settings.fields]]
  type = "number_decimal"
  key = "Credits"
  [[settings.fields]]
  type = "url"
  key = "Link"
`,
  );
  app = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const expected = Buffer.from(createHmac("sha256", API_SECRET).update(body).digest("base64"));
    const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""));
    received.push({
      path: req.url ?? "",
      body,
      hmacValid: given.length === expected.length && timingSafeEqual(given, expected),
    });
    res.writeHead(answer, { "Content-Type": "application/json" }).end(JSON.stringify({ ok: answer === 200 }));
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

let env: Awaited<ReturnType<typeof setUpEmulator>>;
beforeEach(async () => {
  env = await setUpEmulator({ appUrl, extensionsDir: dir });
  received.length = 0;
  answer = 200;
});
afterEach(() => env.close());

describe("flowTriggerReceive", () => {
  it("records a trigger of the app with a payload of its fields, per shop", async () => {
    const token = env.emulator.grantOfflineToken(DEV_STORE);
    const payload = { Title: "Five trails", Credits: 2, Link: "https://admin.shopify.com/x" };
    const result = await env.gql(DEV_STORE, token, RECEIVE, { handle: "done", payload });
    expect(result.body.data.flowTriggerReceive).toEqual({ userErrors: [] });
    expect(env.emulator.shop(DEV_STORE).flowTriggers()).toEqual([
      { shop: DEV_STORE, handle: "done", payload, receivedAt: expect.any(Date) },
    ]);
    expect(env.emulator.shop(NORMAL_STORE).flowTriggers()).toEqual([]);
    const listed = await fetch(`${env.emulator.url}/_emulator/shops/${DEV_STORE}/flow-triggers`);
    expect(await listed.json()).toEqual({
      triggers: [{ shop: DEV_STORE, handle: "done", payload, receivedAt: expect.any(String) }],
    });
  });

  it("refuses an unknown handle, a field the trigger does not have and a value of the wrong type, recording nothing", async () => {
    const token = env.emulator.grantOfflineToken(DEV_STORE);
    const send = async (handle: string, payload: unknown) =>
      (await env.gql(DEV_STORE, token, RECEIVE, { handle, payload })).body.data.flowTriggerReceive.userErrors;
    expect(await send("nope", {})).toEqual([
      { field: ["handle"], message: "The app has no Flow trigger nope" },
    ]);
    expect(await send("done", { Other: "x" })).toEqual([
      { field: ["payload", "Other"], message: "Other is not a field of done" },
    ]);
    expect(await send("done", { Credits: "2", Link: "not a url" })).toEqual([
      { field: ["payload", "Credits"], message: "Credits must be a number_decimal" },
      { field: ["payload", "Link"], message: "Link must be a url" },
    ]);
    expect(env.emulator.shop(DEV_STORE).flowTriggers()).toEqual([]);
  });
});

describe("invoking a Flow action", () => {
  it("POSTs Flow's body, signed with the app's secret, to the runtime URL's path on the app, and answers what the app said", async () => {
    const call = await env.emulator.invokeFlowAction(DEV_STORE, "do-it", { what: "write" });
    const shop = env.emulator.shop(DEV_STORE).record;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: "/flow/do-it?v=1", hmacValid: true });
    expect(JSON.parse(received[0]!.body)).toEqual({
      shop_id: String(shop.id),
      shopify_domain: DEV_STORE,
      action_run_id: call.actionRunId,
      action_definition_id: "Do it",
      handle: "do-it",
      properties: { what: "write" },
    });
    expect(call).toMatchObject({ status: 200, response: { ok: true }, url: `${appUrl}/flow/do-it?v=1` });
  });

  it("a retry sends the same action run id; a forged one is signed with another secret; the control route does the same", async () => {
    answer = 503;
    const first = await env.emulator.invokeFlowAction(DEV_STORE, "do-it", { what: "write" });
    answer = 200;
    const retry = await env.emulator.invokeFlowAction(
      DEV_STORE,
      "do-it",
      { what: "write" },
      {
        actionRunId: first.actionRunId,
      },
    );
    expect([first.status, retry.status]).toEqual([503, 200]);
    expect(JSON.parse(received[1]!.body).action_run_id).toBe(first.actionRunId);
    await env.emulator.invokeFlowAction(DEV_STORE, "do-it", { what: "write" }, { secret: "not-the-app's" });
    expect(received[2]!.hmacValid).toBe(false);

    const viaControl = await fetch(`${env.emulator.url}/_emulator/shops/${DEV_STORE}/flow-actions/do-it`, {
      method: "POST",
      body: JSON.stringify({ properties: { what: "again", note: "n" }, actionRunId: "run-7" }),
    });
    expect(await viaControl.json()).toMatchObject({
      actionRunId: "run-7",
      status: 200,
      response: { ok: true },
    });
    expect(JSON.parse(received[3]!.body)).toMatchObject({
      action_run_id: "run-7",
      properties: { what: "again" },
    });
  });

  it("refuses what Flow's editor would not send: a missing required field, an undeclared one, an unknown action", async () => {
    await expect(env.emulator.invokeFlowAction(DEV_STORE, "do-it", {})).rejects.toThrow("do-it needs what");
    await expect(env.emulator.invokeFlowAction(DEV_STORE, "do-it", { what: "x", extra: 1 })).rejects.toThrow(
      "do-it has no field extra",
    );
    await expect(env.emulator.invokeFlowAction(DEV_STORE, "done", { Title: "x" })).rejects.toThrow(
      "The app has no Flow action done",
    );
    const control = await fetch(`${env.emulator.url}/_emulator/shops/${DEV_STORE}/flow-actions/do-it`, {
      method: "POST",
      body: "{}",
    });
    expect(control.status).toBe(400);
    expect(received).toEqual([]);
  });
});
