// Every webhook route's first line. The HMAC covers the body only: X-Shopify-Topic, X-Shopify-Shop-Domain
// and X-Shopify-Webhook-Id are claims until the signed body confirms them. So a delivery is taken only when
// it is Shopify's (HMAC), of this route's topic (header and body shape) and of the shop the header names
// (what the body says, or for gid-bound topics what Shopify says with that shop's own token).
import {
  GraphqlQueryError,
  HttpMaxRetriesError,
  HttpRequestError,
  InvalidShopError,
  type Session,
} from "@shopify/shopify-api";
import { z } from "zod";
import { readShopGid, type AdminGraphql } from "../shopify/admin-api.server";
import { rejectWebhook, type Delivery } from "./deliveries.server";
import db from "../db.server";
import { authenticate } from "../shopify.server";

/** The shop a signed body names: its myshopify domain, or its Admin API gid (gid://shopify/Shop/<n>). */
export type ShopClaim = { domain: string } | { gid: string };

/** A shop's Admin API gid, as billing bodies carry it in admin_graphql_api_shop_id. */
export const shopGid = z.string().regex(/^gid:\/\/shopify\/Shop\/\d+$/);

export interface WebhookTopic<Body, Read = undefined> {
  /** As subscribed in shopify.app.toml: "app_subscriptions/update". */
  topic: string;
  /** What only this topic's body has, with the shop it names. Without it the body is not this topic's: 400. */
  envelope: z.ZodType<ShopClaim, z.ZodTypeDef, unknown>;
  /** The fields the work needs. A bound body without them can never be processed: 200, recorded rejected. */
  body: z.ZodType<Body, z.ZodTypeDef, unknown>;
  /** Gid-bound topics: what the work needs from Shopify, read in the round trip that gives the shop's gid. */
  readBack?: (graphql: AdminGraphql, body: Body) => Promise<{ shopGid: string; value: Read }>;
}

export interface Webhook<Body, Read> extends Delivery {
  body: Body;
  read: Read;
  session: Session | undefined;
}

/**
 * Authenticates a delivery and binds it to its shop, or throws the Response to answer with: 401 (bad
 * HMAC), 400 (another topic's or another shop's body, not JSON: nothing is recorded, so a forged header
 * cannot take a genuine webhook id), 503 (Shopify unreachable: retry), or 200 for a delivery with
 * nothing to act on (a gid-bound topic for a shop without a token) or that can never be processed
 * (recorded rejected, so Shopify stops retrying).
 */
export async function requireWebhook<Body, Read = undefined>(
  request: Request,
  spec: WebhookTopic<Body, Read>,
): Promise<Webhook<Body, Read>> {
  const { shop, topic, webhookId, payload, session, admin } = await authenticated(request);
  const delivery = { webhookId, topic, shop };
  const refuse = (message: string) => {
    console.warn(`Refused ${topic} webhook ${webhookId} for ${shop}: ${message}`);
    return answer(400, message);
  };
  if (topic !== topicKey(spec.topic)) throw refuse(`This route takes ${spec.topic} webhooks only`);
  const claim = spec.envelope.safeParse(payload);
  if (!claim.success) throw refuse(`The body does not fit ${spec.topic}`);
  const parsed = spec.body.safeParse(payload);

  let read: Read | undefined;
  if ("domain" in claim.data) {
    if (claim.data.domain !== shop) throw refuse("The body names another shop");
  } else {
    // Only Shopify, asked with the header shop's own token, can say whose gid the body carries.
    if (!admin) throw answer(200, "No access token for this shop: nothing to do");
    const graphql = admin.graphql as AdminGraphql;
    const readBack = parsed.success && spec.readBack ? spec.readBack : undefined;
    const result = readBack ? await fromShopify(() => readBack(graphql, parsed.data as Body)) : undefined;
    const shopGid =
      result && !(result instanceof Refused) ? result.shopGid : await fromShopify(() => readShopGid(graphql));
    if (shopGid instanceof Refused) throw new Error(`Shopify refused the shop's own id: ${shopGid.reason}`);
    if (shopGid !== claim.data.gid) throw refuse("The body names another shop");
    if (result instanceof Refused)
      throw await rejected(delivery, `Shopify refused the read-back: ${result.reason}`);
    read = result?.value;
  }
  if (!parsed.success) throw await rejected(delivery, `malformed body: ${fieldsOf(parsed.error)}`);
  return { ...delivery, body: parsed.data, read: read as Read, session };
}

/** shopify-app-remix's topic form: "app_subscriptions/update" arrives as APP_SUBSCRIPTIONS_UPDATE. */
function topicKey(topic: string) {
  return topic.toUpperCase().replace(/[/.]/g, "_");
}

async function authenticated(request: Request) {
  const raw = await request.clone().text();
  try {
    return await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error; // 401 bad HMAC, 400 missing headers, 405 not a POST
    // Loading the shop's session checks X-Shopify-Shop-Domain (unsigned) once the HMAC passed.
    if (error instanceof InvalidShopError) throw answer(400, "X-Shopify-Shop-Domain is not a shop domain");
    // shopify-app-remix 4.2.1 runs JSON.parse on the body once its HMAC passes, and lets the error out.
    if (!parsesAsJson(raw)) throw answer(400, "The body is not JSON");
    throw error;
  }
}

function parsesAsJson(raw: string) {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

async function rejected(delivery: Delivery, reason: string) {
  await rejectWebhook(db, delivery, reason);
  console.warn(`Rejected ${delivery.topic} webhook ${delivery.webhookId} for ${delivery.shop}: ${reason}`);
  return answer(200, `Not processed: ${reason.slice(0, 200)}`);
}

function fieldsOf(error: z.ZodError) {
  return [...new Set(error.issues.map((issue) => issue.path.join(".") || "(body)"))].join(", ");
}

function answer(status: number, message: string) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Shopify answered, and will answer the same again: an id it refuses, say. */
class Refused {
  constructor(readonly reason: string) {}
}

/**
 * A call to the Admin API: a permanent refusal comes back as Refused; a fault a retry can get past (HTTP
 * 5xx, throttling, a revoked or expiring token, the network) becomes a 503 so Shopify retries.
 * shopify-app-remix turns an HTTP error into a thrown Response carrying Shopify's body: never passed on.
 */
async function fromShopify<T>(call: () => Promise<T>): Promise<T | Refused> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GraphqlQueryError && !isTransient(error)) return new Refused(error.message);
    if (
      error instanceof Response ||
      error instanceof GraphqlQueryError ||
      error instanceof HttpRequestError ||
      error instanceof HttpMaxRetriesError
    ) {
      console.warn(
        `Shopify Admin API unavailable for a webhook: ${String(error instanceof Response ? error.status : error)}`,
      );
      throw answer(503, "Shopify could not be reached; retry later");
    }
    throw error;
  }
}

function isTransient(error: GraphqlQueryError) {
  const body = error.body as
    { errors?: { graphQLErrors?: { extensions?: { code?: string } }[] } } | undefined;
  const codes = (body?.errors?.graphQLErrors ?? []).map((e) => e.extensions?.code);
  return codes.some((code) => code === "THROTTLED" || code === "INTERNAL_SERVER_ERROR");
}
