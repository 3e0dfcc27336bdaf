// Shopify Flow's side of the app's Flow extensions: triggers the app sends with `flowTriggerReceive` are
// checked against its flow_trigger extensions and recorded per shop, and a flow_action is invoked as Flow
// runs a workflow step: the JSON body Flow sends (shop_id, shopify_domain, action_run_id,
// action_definition_id, handle, properties), signed like a webhook (X-Shopify-Hmac-Sha256: base64
// HMAC-SHA256 of the raw body with the app's secret), POSTed to the action's runtime_url path on the app.

import { randomUUID } from "node:crypto";
import type { UserError } from "./billing";
import { readFlowExtensions, type FlowExtension, type FlowField } from "./extensions";
import type { ShopRecord } from "./state";
import { signWebhook } from "./webhooks";

export interface FlowTriggerCall {
  shop: string;
  handle: string;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

export interface FlowActionCall {
  actionRunId: string;
  url: string;
  /** The raw body Flow sent. */
  body: string;
  /** The app's answer: Flow takes 200 as done, 429 and 5xx as "retry for up to 24 h", other 4xx as failed. */
  status: number;
  response: unknown;
}

export interface InvokeFlowAction {
  shop: ShopRecord;
  handle: string;
  properties: Record<string, unknown>;
  /** The same id again is what Flow sends when it retries a run. Default: a new one. */
  actionRunId?: string;
  /** Sign with this secret instead of the app's (a forged request). */
  secret?: string;
}

// The JSON types each Flow field type carries in a trigger's payload (Shopify CLI's flow field types).
const TRIGGER_TYPES: Record<string, (value: unknown) => boolean> = {
  single_line_text_field: (v) => typeof v === "string",
  email: (v) => typeof v === "string" && v.includes("@"),
  url: (v) => typeof v === "string" && URL.canParse(v),
  number_decimal: (v) => typeof v === "number" && Number.isFinite(v),
  boolean: (v) => typeof v === "boolean",
};

// Flow sends at most this much in a trigger (shopify.dev: a trigger's payload must be under 1 MB).
const MAX_PAYLOAD_BYTES = 1_000_000;

function payloadErrors(extension: FlowExtension, payload: Record<string, unknown>): UserError[] {
  const fields = new Map<string, FlowField>(extension.fields.map((f) => [f.key, f]));
  const errors: UserError[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const field = fields.get(key);
    if (!field)
      errors.push({ field: ["payload", key], message: `${key} is not a field of ${extension.handle}` });
    else if (TRIGGER_TYPES[field.type] && !TRIGGER_TYPES[field.type]!(value))
      errors.push({ field: ["payload", key], message: `${key} must be a ${field.type}` });
  }
  if (JSON.stringify(payload).length > MAX_PAYLOAD_BYTES)
    errors.push({ field: ["payload"], message: "The payload must be smaller than 1 MB" });
  return errors;
}

export class FlowHost {
  private readonly triggers: FlowTriggerCall[] = [];
  private readonly actions: FlowActionCall[] = [];

  constructor(
    private readonly options: {
      appUrl: string;
      apiSecret: string;
      extensionsDir?: string;
      now: () => Date;
    },
  ) {}

  /** Read on every call, like Shopify after each deploy: an edited TOML counts at once. */
  extensions(): FlowExtension[] {
    return readFlowExtensions(this.options.extensionsDir);
  }

  /** flowTriggerReceive: the trigger must be one of the app's, its payload of the trigger's fields. */
  receiveTrigger(shop: string, handle: string, payload: unknown): UserError[] {
    const extension = this.extensions().find((e) => e.type === "flow_trigger" && e.handle === handle);
    if (!extension) return [{ field: ["handle"], message: `The app has no Flow trigger ${handle}` }];
    if (typeof payload !== "object" || payload === null || Array.isArray(payload))
      return [{ field: ["payload"], message: "The payload must be a JSON object" }];
    const errors = payloadErrors(extension, payload as Record<string, unknown>);
    if (!errors.length)
      this.triggers.push({
        shop,
        handle,
        payload: payload as Record<string, unknown>,
        receivedAt: this.options.now(),
      });
    return errors;
  }

  /** The triggers a shop's app sent, oldest first (optionally of one handle). */
  triggersOf(shop: string, handle?: string): FlowTriggerCall[] {
    return this.triggers.filter((t) => t.shop === shop && (handle === undefined || t.handle === handle));
  }

  /** Every action invocation so far, oldest first. */
  invocations(): FlowActionCall[] {
    return [...this.actions];
  }

  /**
   * Runs the app's flow_action `handle` for a shop as a workflow step would: only declared properties,
   * required ones present (Flow's editor does not save a step without them). Answers what the app said.
   */
  async invokeAction({ shop, handle, properties, actionRunId, secret }: InvokeFlowAction) {
    const extension = this.extensions().find((e) => e.type === "flow_action" && e.handle === handle);
    if (!extension?.runtimeUrl) throw new Error(`The app has no Flow action ${handle} with a runtime_url`);
    const declared = new Set(extension.fields.map((f) => f.key));
    const unknown = Object.keys(properties).filter((key) => !declared.has(key));
    if (unknown.length) throw new Error(`${handle} has no field ${unknown.join(", ")}`);
    const missing = extension.fields.filter(
      (f) => f.required && (properties[f.key] === undefined || properties[f.key] === ""),
    );
    if (missing.length) throw new Error(`${handle} needs ${missing.map((f) => f.key).join(", ")}`);
    const runId = actionRunId ?? randomUUID();
    const body = JSON.stringify({
      shop_id: String(shop.id),
      shopify_domain: shop.domain,
      action_run_id: runId,
      action_definition_id: extension.name,
      handle,
      properties,
    });
    // The runtime_url names the deployed app; here the app runs at appUrl.
    const runtime = new URL(extension.runtimeUrl);
    const url = `${this.options.appUrl.replace(/\/$/, "")}${runtime.pathname}${runtime.search}`;
    // Flow waits up to 30 s for an answer.
    const answer = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": signWebhook(body, secret ?? this.options.apiSecret),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    const text = await answer.text();
    let response: unknown = text;
    try {
      response = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    const call: FlowActionCall = { actionRunId: runId, url, body, status: answer.status, response };
    this.actions.push(call);
    return call;
  }
}
