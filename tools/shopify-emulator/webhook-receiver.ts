// A tiny stand-in for the app's webhook endpoints, for tests of the emulator itself: records each request
// and checks its HMAC the way the app must (base64 HMAC-SHA256 of the raw body with the app secret).

import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { signWebhook } from "./webhooks";

export interface ReceivedWebhook {
  path: string;
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string;
  apiVersion: string;
  triggeredAt: string;
  hmac: string;
  hmacValid: boolean;
  body: string;
  payload: unknown;
}

const header = (req: IncomingMessage, name: string) => String(req.headers[name.toLowerCase()] ?? "");

export async function startWebhookReceiver(
  secret: string,
  respond: (hook: ReceivedWebhook) => number = () => 200,
) {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const expected = Buffer.from(signWebhook(body, secret));
    const given = Buffer.from(header(req, "X-Shopify-Hmac-Sha256"));
    const hook: ReceivedWebhook = {
      path: req.url ?? "",
      topic: header(req, "X-Shopify-Topic"),
      shop: header(req, "X-Shopify-Shop-Domain"),
      webhookId: header(req, "X-Shopify-Webhook-Id"),
      eventId: header(req, "X-Shopify-Event-Id"),
      apiVersion: header(req, "X-Shopify-API-Version"),
      triggeredAt: header(req, "X-Shopify-Triggered-At"),
      hmac: given.toString(),
      hmacValid: given.length === expected.length && timingSafeEqual(given, expected),
      body,
      payload: JSON.parse(body),
    };
    received.push(hook);
    // Like the app: a bad signature is refused with 401.
    res.writeHead(hook.hmacValid ? respond(hook) : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
