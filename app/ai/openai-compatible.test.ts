import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeAi, type FakeAi } from "../../tests/fake-ai-server";
import { offlineWriter } from "./offline-writer.server";
import { openAiCompatible, SCHEMA_NAMES, type OpenAiCompatibleConfig } from "./openai-compatible.server";
import type { BriefFields } from "./provider";

let fake: FakeAi;
beforeAll(async () => {
  fake = await startFakeAi();
});
afterAll(() => fake.close());

const BRIEF: BriefFields = {
  topic: "Brewing better coffee at home",
  audience: "home baristas",
  tone: "friendly",
  keywords: ["cold brew"],
  length: "short",
  language: "en",
  products: [
    {
      id: "gid://shopify/Product/1",
      title: "Grinder",
      handle: "grinder",
      url: "https://coffee.example.com/products/grinder",
      description: "A steel burr grinder.",
    },
  ],
};

const provider = (config: Partial<OpenAiCompatibleConfig> = {}) =>
  openAiCompatible({
    baseURL: fake.url,
    apiKey: "sk-test-secret",
    textModel: "test-model",
    imageModel: null,
    timeoutMs: 5_000,
    maxRetries: 2,
    ...config,
  });

const DRAFT = await offlineWriter().writeDraft(BRIEF);

/** Runs the call and answers the AiError code it failed with, or "ok". */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: { name?: string; code?: string; message?: string }) => {
      expect(error.name).toBe("AiError");
      expect(error.message).not.toContain("sk-test-secret");
      return error.code;
    },
  );

describe("a valid answer", () => {
  test("writeDraft: the request carries the model, the strict schema and the key; the answer is tidied", async () => {
    fake.script("ok");
    const draft = await provider().writeDraft(BRIEF);
    expect(draft).toMatchObject({
      title: "A fake article about fake keyword",
      handle: "a-fake-article-about-fake-keyword",
      tags: ["fake keyword", "tests"],
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(request!.headers.authorization).toBe("Bearer sk-test-secret");
    expect(request!.body).toMatchObject({
      model: "test-model",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: SCHEMA_NAMES.draft,
          strict: true,
          schema: {
            type: "object",
            additionalProperties: false,
            required: [
              "title",
              "outline",
              "bodyHtml",
              "metaTitle",
              "metaDescription",
              "excerpt",
              "tags",
              "handle",
            ],
          },
        },
      },
    });
    // The brief travels as data, products with their URLs.
    const messages = request!.body.messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(JSON.parse(messages[1]!.content)).toMatchObject({
      topic: BRIEF.topic,
      products: [{ url: BRIEF.products[0]!.url }],
    });
  });

  test("researchTopics: ranked ideas; product ids the brief does not have are dropped", async () => {
    fake.script({
      status: 200,
      body: {
        choices: [
          {
            index: 0,
            finish_reason: "stop",
            message: {
              role: "assistant",
              content: JSON.stringify({
                ideas: [1, 2, 3].map((n) => ({
                  title: `Idea ${n}`,
                  angle: "An angle",
                  keyword: "cold brew",
                  outline: ["One", "Two"],
                  whyItFits: "Features the Grinder.",
                  productIds: ["gid://shopify/Product/1", "gid://shopify/Product/999"],
                })),
              }),
            },
          },
        ],
      },
    });
    const ideas = await provider().researchTopics(BRIEF);
    expect(ideas.map((idea) => idea.title)).toEqual(["Idea 1", "Idea 2", "Idea 3"]);
    expect(ideas[0]!.productIds).toEqual(["gid://shopify/Product/1"]);
    expect(fake.requests[0]!.body).toMatchObject({
      response_format: { json_schema: { name: SCHEMA_NAMES.ideas } },
    });
    fake.script("ok");
    expect(await provider().researchTopics(BRIEF)).toHaveLength(5);
  });

  test("rewrite: the instruction and the selection are sent, the rewritten HTML comes back", async () => {
    fake.script("ok");
    const html = await provider().rewrite({
      brief: BRIEF,
      draft: DRAFT,
      instruction: "Make it shorter",
      selection: "<p>Only this.</p>",
    });
    expect(html).toBe("<p>The fake model rewrote this.</p>");
    const sent = JSON.parse((fake.requests[0]!.body.messages as { content: string }[])[1]!.content);
    expect(sent).toMatchObject({ instruction: "Make it shorter", html: "<p>Only this.</p>" });
  });

  test("drawCover with an image model: images.generate answers base64, fitted to a 1200x630 PNG", async () => {
    fake.script("ok");
    const cover = await provider({ imageModel: "gpt-image-1" }).drawCover({
      brief: BRIEF,
      title: "Cold brew",
      excerpt: "How to.",
    });
    const view = new DataView(cover.png.buffer, cover.png.byteOffset);
    expect(Buffer.from(cover.png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
    expect([view.getUint32(16), view.getUint32(20), cover.width, cover.height]).toEqual([
      1200, 630, 1200, 630,
    ]);
    expect(cover.altText).toBe('Illustration for "Cold brew": A fake picture');
    expect(fake.requests[0]).toMatchObject({
      path: "/v1/images/generations",
      body: { model: "gpt-image-1", n: 1 },
    });
    expect(fake.requests[0]!.body).not.toHaveProperty("response_format");

    fake.script("ok");
    await provider({ imageModel: "dall-e-3" }).drawCover({ brief: BRIEF, title: "Cold brew", excerpt: "" });
    expect(fake.requests[0]!.body).toMatchObject({ response_format: "b64_json", size: "1792x1024" });
  });

  test("without an image model the cover is drawn offline, no request made, and the label says so", async () => {
    fake.script();
    const cover = await provider().drawCover({ brief: BRIEF, title: "Cold brew", excerpt: "" });
    expect([cover.width, cover.height]).toEqual([1200, 630]);
    expect(fake.requests).toHaveLength(0);
    expect(provider().label).toBe(`test-model via ${new URL(fake.url).host}, covers drawn offline`);
    expect(provider({ imageModel: "gpt-image-1" }).label).toMatch(/covers by gpt-image-1$/);
  });
});

describe("failures become AiError codes", () => {
  test("a 429 then success: the SDK retries once, two requests", async () => {
    fake.script("rate_limited", "ok");
    expect(await outcome(provider().writeDraft(BRIEF))).toBe("ok");
    expect(fake.requests).toHaveLength(2);
  });

  test("429 on every attempt: rate_limited after maxRetries + 1 requests", async () => {
    fake.script("rate_limited", "rate_limited", "rate_limited");
    expect(await outcome(provider({ maxRetries: 2 }).writeDraft(BRIEF))).toBe("rate_limited");
    expect(fake.requests).toHaveLength(3);
  });

  test("500 on every attempt: unavailable after maxRetries + 1 requests", async () => {
    for (const maxRetries of [0, 1, 2]) {
      fake.script("server_error", "server_error", "server_error");
      expect(await outcome(provider({ maxRetries }).writeDraft(BRIEF))).toBe("unavailable");
      expect(fake.requests).toHaveLength(maxRetries + 1);
    }
  });

  test("no answer within timeoutMs: timeout", async () => {
    fake.script("hang");
    const started = Date.now();
    expect(await outcome(provider({ timeoutMs: 200, maxRetries: 0 }).writeDraft(BRIEF))).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(fake.requests).toHaveLength(1);
  });

  test("nothing listening: unavailable", async () => {
    const gone = await startFakeAi();
    await gone.close();
    expect(await outcome(provider({ baseURL: gone.url, maxRetries: 0 }).writeDraft(BRIEF))).toBe(
      "unavailable",
    );
  });

  test("malformed JSON content: invalid_output", async () => {
    fake.script("malformed");
    expect(await outcome(provider().writeDraft(BRIEF))).toBe("invalid_output");
  });

  test("schema-valid but failing validation (blank title, a script in the body): invalid_output, for each call", async () => {
    fake.script("invalid", "invalid", "invalid");
    expect(await outcome(provider().writeDraft(BRIEF))).toBe("invalid_output");
    expect(await outcome(provider().researchTopics(BRIEF))).toBe("invalid_output");
    expect(
      await outcome(
        provider().rewrite({ brief: BRIEF, draft: DRAFT, instruction: "Friendlier", selection: null }),
      ),
    ).toBe("invalid_output");
    expect(fake.requests).toHaveLength(3);
  });

  test("a refusal or a content filter stop: refused; an image policy rejection too", async () => {
    fake.script("refusal", "content_filter", "refusal");
    expect(await outcome(provider().writeDraft(BRIEF))).toBe("refused");
    expect(await outcome(provider().researchTopics(BRIEF))).toBe("refused");
    expect(
      await outcome(
        provider({ imageModel: "gpt-image-1" }).drawCover({ brief: BRIEF, title: "T", excerpt: "" }),
      ),
    ).toBe("refused");
  });

  test("an image that is not an image: invalid_output", async () => {
    fake.script("malformed");
    expect(
      await outcome(
        provider({ imageModel: "gpt-image-1" }).drawCover({ brief: BRIEF, title: "T", excerpt: "" }),
      ),
    ).toBe("invalid_output");
  });

  test("a wrong key, an unknown model, no quota: misconfigured, without retries", async () => {
    fake.script(
      "unauthorized",
      {
        status: 404,
        body: { error: { message: "The model does not exist", type: "invalid_request_error" } },
      },
      {
        status: 429,
        body: { error: { message: "Quota", type: "insufficient_quota", code: "insufficient_quota" } },
      },
    );
    expect(await outcome(provider({ maxRetries: 0 }).writeDraft(BRIEF))).toBe("misconfigured");
    expect(await outcome(provider({ maxRetries: 0 }).writeDraft(BRIEF))).toBe("misconfigured");
    expect(await outcome(provider({ maxRetries: 0 }).writeDraft(BRIEF))).toBe("misconfigured");
    expect(fake.requests).toHaveLength(3);
  });

  test("an aborted call stops at once", async () => {
    fake.script("hang");
    const controller = new AbortController();
    const call = outcome(provider().writeDraft(BRIEF, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await call).toBe("unavailable");
  });
});
