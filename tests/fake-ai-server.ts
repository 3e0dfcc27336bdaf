// A fake OpenAI-compatible API on a local port (node:http): the network edge for tests of the
// OpenAI-compatible provider and of the use cases that spend credits on it. Each scripted step answers one
// request, in order; once the script is used up every request succeeds.
//
//   const fake = await startFakeAi();
//   fake.script("rate_limited", "ok");      // a 429 (retry-after 0), then a valid answer
//   openAiCompatible({ baseURL: fake.url, apiKey: "sk-test", … });
//   expect(fake.requests).toHaveLength(2);
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Resvg } from "@resvg/resvg-js";
import { SCHEMA_NAMES } from "../app/ai/openai-compatible.server";

export type FakeAiStep =
  /** A valid answer: the structured JSON the request's `response_format.json_schema.name` asks for, or an image. */
  | "ok"
  /** 429 with retry-after 0, so the SDK's retry is immediate. */
  | "rate_limited"
  /** 500 (retry-after 0). */
  | "server_error"
  /** 401: a wrong key. */
  | "unauthorized"
  /** No answer at all, until the client gives up (its timeout) or the server closes. */
  | "hang"
  /** 200 whose content is not JSON. */
  | "malformed"
  /** 200 that matches the JSON schema but fails the provider's own validation (blank fields, a script). */
  | "invalid"
  /** The model declines: `message.refusal` (images: a 400 content_policy_violation). */
  | "refusal"
  /** finish_reason "content_filter", no content. */
  | "content_filter"
  /** Any answer: this status and JSON body. */
  | { status: number; body: unknown };

export interface FakeAiRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeAi {
  /** The base URL to give the SDK, e.g. http://127.0.0.1:41234/v1 */
  url: string;
  /** Replaces the script with these steps, and forgets the requests seen so far. */
  script(...steps: FakeAiStep[]): void;
  /** Every request since the last script(), in order. */
  requests: FakeAiRequest[];
  close(): Promise<void>;
}

const OK_CONTENT: Record<string, unknown> = {
  [SCHEMA_NAMES.ideas]: {
    ideas: [1, 2, 3, 4, 5].map((n) => ({
      title: `Fake idea ${n}`,
      angle: `Angle ${n}`,
      keyword: "fake keyword",
      outline: ["First section", "Second section", "Third section", "Fourth section"],
      whyItFits: "It features the store's products.",
      productIds: [],
    })),
  },
  [SCHEMA_NAMES.draft]: {
    title: "A fake article about fake keyword",
    outline: ["Why fake keyword matters", "Getting started"],
    bodyHtml:
      "<p>This fake article is about fake keyword.</p><h2>Why fake keyword matters</h2><p>It matters.</p>" +
      "<h2>Getting started</h2><p>Start here.</p>",
    metaTitle: "A fake article about fake keyword",
    metaDescription:
      "A fake article about fake keyword for tests: what to look for, how to get started and the mistakes to avoid.",
    excerpt: "A fake article for tests.",
    tags: ["fake keyword", "tests"],
    handle: "a-fake-article-about-fake-keyword",
  },
  [SCHEMA_NAMES.rewrite]: { html: "<p>The fake model rewrote this.</p>" },
};

const INVALID_CONTENT: Record<string, unknown> = {
  [SCHEMA_NAMES.ideas]: {
    ideas: [1, 2, 3].map(() => ({
      title: " ",
      angle: "",
      keyword: "",
      outline: [""],
      whyItFits: "",
      productIds: [],
    })),
  },
  [SCHEMA_NAMES.draft]: {
    ...(OK_CONTENT[SCHEMA_NAMES.draft] as object),
    title: "  ",
    bodyHtml: "<h2>Hi</h2><p onclick=alert(1)>Hi</p><script>alert(1)</script>",
  },
  [SCHEMA_NAMES.rewrite]: { html: "   " },
};

let fakePng: string | undefined;
/** A small real PNG (3:2, as the GPT image models answer), drawn once. */
function imageBase64(): string {
  fakePng ??= Buffer.from(
    new Resvg(
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#2a6f97"/><circle cx="150" cy="100" r="60" fill="#f4a261"/></svg>',
    )
      .render()
      .asPng(),
  ).toString("base64");
  return fakePng;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

const error = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, code },
});

function completion(model: unknown, message: Record<string, unknown>, finishReason = "stop") {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: "assistant", refusal: null, ...message }, finish_reason: finishReason },
    ],
  };
}

export async function startFakeAi(): Promise<FakeAi> {
  let steps: FakeAiStep[] = [];
  const fake: Omit<FakeAi, "url" | "close"> = {
    requests: [],
    script(...next) {
      steps = [...next];
      fake.requests.length = 0;
    },
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        return send(response, 400, error("Request body is not JSON", "invalid_request_error"));
      }
      const path = new URL(request.url ?? "/", "http://fake").pathname;
      fake.requests.push({ method: request.method ?? "", path, headers: request.headers, body });
      answer(steps.shift() ?? "ok", path, body, response);
    });
  });

  function answer(step: FakeAiStep, path: string, body: Record<string, unknown>, response: ServerResponse) {
    const retryNow = { "retry-after": "0", "retry-after-ms": "0" };
    if (typeof step === "object") return send(response, step.status, step.body);
    if (step === "hang") return;
    if (step === "rate_limited")
      return send(response, 429, error("Rate limit reached", "requests", "rate_limit_exceeded"), retryNow);
    if (step === "server_error")
      return send(response, 500, error("The server had an error", "server_error"), retryNow);
    if (step === "unauthorized")
      return send(
        response,
        401,
        error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
      );

    if (path.endsWith("/images/generations")) {
      if (step === "refusal" || step === "content_filter")
        return send(
          response,
          400,
          error(
            "Your request was rejected by the safety system",
            "image_generation_user_error",
            "content_policy_violation",
          ),
        );
      const b64 =
        step === "malformed" || step === "invalid"
          ? Buffer.from("not an image").toString("base64")
          : imageBase64();
      return send(response, 200, {
        created: 1_700_000_000,
        data: [{ b64_json: b64, revised_prompt: "A fake picture" }],
      });
    }
    if (!path.endsWith("/chat/completions"))
      return send(response, 404, error("Unknown path", "invalid_request_error"));

    const format = body.response_format as { json_schema?: { name?: string } } | undefined;
    const name = format?.json_schema?.name ?? "";
    if (step === "refusal")
      return send(
        response,
        200,
        completion(body.model, { content: null, refusal: "I can't help with that." }),
      );
    if (step === "content_filter")
      return send(response, 200, completion(body.model, { content: null }, "content_filter"));
    if (step === "malformed")
      return send(response, 200, completion(body.model, { content: '{"title": "cut off' }));
    const content = (step === "invalid" ? INVALID_CONTENT : OK_CONTENT)[name];
    if (content === undefined)
      return send(
        response,
        400,
        error(`No fake answer for json_schema ${JSON.stringify(name)}`, "invalid_request_error"),
      );
    return send(response, 200, completion(body.model, { content: JSON.stringify(content) }));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests hold their sockets open; close them too.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
