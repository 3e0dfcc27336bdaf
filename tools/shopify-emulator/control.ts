// JSON control routes under /_emulator, mirroring the programmatic API for the CLI and local development
// (curl, a dev toolbar, a browser test in another process).

import type { ShopifyEmulator } from "./emulator";
import { DAY_MS, type DeferredApproval, type ProductSeed } from "./state";
import type { DeliveryMode } from "./webhooks";

export interface ControlResult {
  status: number;
  body: unknown;
}

type Handler = (emulator: ShopifyEmulator, params: Record<string, unknown>, match: string[]) => unknown;

const str = (value: unknown, name: string): string => {
  if (typeof value !== "string" || !value) throw new Error(`${name} is required`);
  return value;
};

// A list of ProductSeed objects (title required), or undefined for the default catalog.
export function productSeeds(value: unknown): ProductSeed[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    !Array.isArray(value) ||
    value.some((p) => typeof p !== "object" || p === null || typeof p.title !== "string")
  )
    throw new Error("products must be a list of objects with a title");
  return value as ProductSeed[];
}

function webhookState(emulator: ShopifyEmulator) {
  return {
    mode: emulator.webhooks.mode,
    held: emulator.webhooks.held(),
    webhooks: emulator.webhooks.webhooks(),
    deliveries: emulator.webhooks.deliveries(),
  };
}

const routes: [method: string, pattern: RegExp, handler: Handler][] = [
  [
    "GET",
    /^\/state$/,
    (emu) => ({
      url: emu.url,
      now: emu.now(),
      shops: [...emu.state.shops.values()].map((s) => ({
        ...s,
        blogs: undefined,
        charges: emu.state.chargesOf(s.domain),
      })),
      webhookMode: emu.webhooks.mode,
      heldWebhooks: emu.webhooks.held().length,
    }),
  ],
  [
    "POST",
    /^\/shops$/,
    (emu, p) =>
      emu.addShop({
        domain: str(p.domain, "domain"),
        partnerDevelopment: p.partnerDevelopment === true,
        shopifyPlus: p.shopifyPlus === true,
        name: typeof p.name === "string" ? p.name : undefined,
        staffReview: p.staffReview === true,
        primaryDomain: typeof p.primaryDomain === "string" ? p.primaryDomain : undefined,
        deferredApproval:
          typeof p.deferredApproval === "string" ? (p.deferredApproval as DeferredApproval) : undefined,
        products: productSeeds(p.products),
        grantedScopes: typeof p.grantedScopes === "string" ? p.grantedScopes : undefined,
        timezone: typeof p.timezone === "string" ? p.timezone : undefined,
      }),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/grant-scopes$/,
    (emu, _p, [domain]) => ({
      webhook: emu.grantScopes(domain!) ?? null,
      missing: emu.missingScopes(domain!),
    }),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/throttle$/,
    (emu, p, [domain]) => {
      if (typeof p.available !== "number" || p.available < 0)
        throw new Error("available must be a number >= 0");
      const bucket = emu.costBucket(domain!);
      bucket.drainTo(p.available);
      return bucket.status();
    },
  ],
  [
    "GET",
    /^\/shops\/([^/]+)$/,
    (emu, _p, [domain]) => {
      const shop = emu.shop(domain!);
      return { ...shop.record, installed: shop.installed, charges: shop.charges() };
    },
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/uninstall$/,
    (emu, _p, [domain]) => (emu.uninstallApp(domain!), webhookState(emu)),
  ],
  ["POST", /^\/shops\/([^/]+)\/redact$/, (emu, _p, [domain]) => emu.redactShop(domain!)],
  [
    "POST",
    /^\/shops\/([^/]+)\/payments$/,
    (emu, p, [domain]) => (emu.failPayments(domain!, p.fail === true), { paymentsFail: p.fail === true }),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/deferred-approval$/,
    (emu, p, [domain]) => (
      emu.setDeferredApproval(domain!, str(p.variant, "variant") as DeferredApproval),
      { deferredApproval: p.variant }
    ),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/session-token$/,
    (emu, p, [domain]) => ({
      token: emu.sessionToken(domain!, { userId: typeof p.userId === "number" ? p.userId : undefined }),
    }),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/offline-token$/,
    (emu, _p, [domain]) => ({ accessToken: emu.grantOfflineToken(domain!) }),
  ],
  [
    "GET",
    /^\/shops\/([^/]+)\/flow-triggers$/,
    (emu, _p, [domain]) => ({ triggers: emu.shop(domain!).flowTriggers() }),
  ],
  [
    "POST",
    /^\/shops\/([^/]+)\/flow-actions\/([^/]+)$/,
    (emu, p, [domain, handle]) => {
      const properties = p.properties ?? {};
      if (typeof properties !== "object" || properties === null || Array.isArray(properties))
        throw new Error("properties must be an object");
      return emu.invokeFlowAction(domain!, handle!, properties as Record<string, unknown>, {
        actionRunId: typeof p.actionRunId === "string" ? p.actionRunId : undefined,
        secret: typeof p.secret === "string" ? p.secret : undefined,
      });
    },
  ],
  ["GET", /^\/flow\/extensions$/, (emu) => ({ extensions: emu.flow.extensions() })],
  ["POST", /^\/charges\/([^/]+)\/approve$/, (emu, _p, [id]) => emu.approveCharge(id!)],
  ["POST", /^\/charges\/([^/]+)\/decline$/, (emu, _p, [id]) => emu.declineCharge(id!)],
  ["POST", /^\/charges\/expire-stale$/, (emu) => ({ expired: emu.expireStaleCharges() })],
  ["POST", /^\/subscriptions\/([^/]+)\/freeze$/, (emu, _p, [id]) => emu.freezeSubscription(id!)],
  ["POST", /^\/subscriptions\/([^/]+)\/unfreeze$/, (emu, _p, [id]) => emu.unfreezeSubscription(id!)],
  [
    "POST",
    /^\/clock\/advance$/,
    (emu, p) => {
      const ms = (typeof p.ms === "number" ? p.ms : 0) + (typeof p.days === "number" ? p.days * DAY_MS : 0);
      if (ms <= 0) throw new Error("Give ms or days > 0");
      return emu.advanceTime(ms);
    },
  ],
  ["GET", /^\/webhooks$/, (emu) => webhookState(emu)],
  [
    "POST",
    /^\/webhooks\/mode$/,
    (emu, p) => {
      if (p.mode !== "auto" && p.mode !== "hold") throw new Error('mode must be "auto" or "hold"');
      emu.webhooks.mode = p.mode as DeliveryMode;
      return webhookState(emu);
    },
  ],
  ["POST", /^\/webhooks\/release$/, (emu) => emu.webhooks.release()],
  ["POST", /^\/webhooks\/reverse$/, (emu) => (emu.webhooks.reverse(), webhookState(emu))],
  [
    "POST",
    /^\/webhooks\/reorder$/,
    (emu, p) => {
      if (!Array.isArray(p.webhookIds)) throw new Error("webhookIds must be a list");
      emu.webhooks.reorder(p.webhookIds.map(String));
      return webhookState(emu);
    },
  ],
  [
    "POST",
    /^\/webhooks\/send$/,
    (emu, p) =>
      emu.deliverWebhook({
        shop: str(p.shop, "shop"),
        topic: str(p.topic, "topic"),
        payload: p.payload ?? undefined,
      }),
  ],
  ["POST", /^\/webhooks\/([^/]+)\/redeliver$/, (emu, _p, [id]) => emu.webhooks.redeliver(id!)],
  ["POST", /^\/webhooks\/([^/]+)\/forge$/, (emu, _p, [id]) => emu.webhooks.forge(id!)],
  [
    "POST",
    /^\/webhooks\/([^/]+)\/duplicate$/,
    (emu, _p, [id]) => (emu.webhooks.duplicate(id!), webhookState(emu)),
  ],
  ["POST", /^\/webhooks\/([^/]+)\/drop$/, (emu, _p, [id]) => (emu.webhooks.drop(id!), webhookState(emu))],
];

export async function controlRoute(
  emulator: ShopifyEmulator,
  method: string,
  path: string,
  params: Record<string, unknown>,
): Promise<ControlResult> {
  for (const [routeMethod, pattern, handler] of routes) {
    const match = pattern.exec(path);
    if (!match || routeMethod !== method) continue;
    try {
      return {
        status: 200,
        body: (await handler(emulator, params, match.slice(1).map(decodeURIComponent))) ?? null,
      };
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
  return { status: 404, body: { error: `No control route ${method} /_emulator${path}` } };
}
