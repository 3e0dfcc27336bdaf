// Low-balance alerts: which threshold the shop's balance is below in its cycle, the banner every app page
// shows for it (until dismissed), and the e-mail, webhook and Flow trigger sent once per threshold per
// cycle. "Once" is the LowBalanceAlert row's unique key: every instance that notices tries to insert it,
// one wins and sends.
import { FREE_PLAN, planByKey } from "../billing/plans";
import { availableOf, LAPSED_CREDITS } from "../ledger/balance.server";
import { optionalDateOf } from "../billing-page/driver-rows";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { query, type Script } from "../db/transaction-script";
import { ShopNotFound } from "../ledger/errors";
import { belowThreshold, settingsFromRow, type AlertSettingsValue } from "./settings";

export type AlertChannel = "email" | "webhook" | "flow";

export interface LowBalanceAlertMessage {
  shopDomain: string;
  threshold: number;
  available: number;
  allowance: number;
  planName: string;
  cycleEnd: Date | null;
}

/**
 * How an alert leaves the app (app/alerts/senders.server.ts; "flow": the Shopify Flow trigger "Credits
 * running low", app/flow/triggers.server.ts, sent to the shop's own domain); a throw marks it failed.
 */
export type AlertSenders = Partial<
  Record<AlertChannel, (to: string, message: LowBalanceAlertMessage) => Promise<void>>
>;

export async function readAlertSettings(db: Db, shopId: string): Promise<AlertSettingsValue> {
  return settingsFromRow(await db.alertSettings.findUnique({ where: { shopId } }));
}

export async function saveAlertSettings(db: Db, shopId: string, settings: AlertSettingsValue) {
  const data = {
    thresholds: JSON.stringify(settings.thresholds),
    email: settings.email,
    webhookUrl: settings.webhookUrl,
    polishingReserve: settings.polishingReserve,
  };
  await db.alertSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
}

export interface LowBalanceState {
  shopId: string;
  domain: string;
  available: number;
  allowance: number;
  planName: string;
  cycleStart: Date | null;
  cycleEnd: Date | null;
  /** Every threshold the balance is below, most severe last. */
  crossed: number[];
  settings: AlertSettingsValue;
}

// The shop's plan and cycle, its balance and its alert settings in one statement, by id or by domain.
const ALERT_STATE = (by: "id" | "domain") => `SELECT s."id", s."domain", s."planKey", s."cycleStart",
    s."cycleEnd", b."posted", b."held", ${LAPSED_CREDITS} AS "lapsed", a."shopId" AS "settingsShopId",
    a."thresholds", a."email", a."webhookUrl", a."polishingReserve"
  FROM "Shop" s
  LEFT JOIN "ShopBalance" b ON b."shopId" = s."id"
  LEFT JOIN "AlertSettings" a ON a."shopId" = s."id"
  WHERE s."${by}" = ?`;
const BY_ID = ALERT_STATE("id");
const BY_DOMAIN = ALERT_STATE("domain");

// Compared with the shop's own stored cycle start, so the value never leaves SQL's hands.
const DISMISSED = `SELECT l."id" FROM "LowBalanceAlert" l JOIN "Shop" s ON s."id" = l."shopId"
  WHERE l."shopId" = ? AND l."cycleStart" = s."cycleStart" AND l."threshold" = ? AND l."channel" = 'dismissed'`;

/** The shop's alert state (a driver read script); undefined when there is no such shop. */
function* stateScript(by: "id" | "domain", key: string, now: Date): Script<LowBalanceState | undefined> {
  const [row] = yield* query(by === "id" ? BY_ID : BY_DOMAIN, now, key);
  if (!row) return undefined;
  const shopId = row.id as string;
  // As getBalance: a shop row without its balance row is not a shop the ledger knows.
  if (row.posted === null) throw new ShopNotFound(shopId);
  const available = availableOf(row);
  const plan = planByKey(row.planKey as string) ?? FREE_PLAN;
  const settings = settingsFromRow(
    row.settingsShopId === null
      ? null
      : {
          thresholds: row.thresholds as string,
          email: row.email as string | null,
          webhookUrl: row.webhookUrl as string | null,
          polishingReserve: Number(row.polishingReserve),
        },
  );
  const crossed = settings.thresholds
    .filter((threshold) => belowThreshold(available, plan.monthlyCredits, threshold))
    .sort((a, b) => b - a);
  return {
    shopId,
    domain: row.domain as string,
    available,
    allowance: plan.monthlyCredits,
    planName: plan.name,
    cycleStart: optionalDateOf(row.cycleStart),
    cycleEnd: optionalDateOf(row.cycleEnd),
    crossed,
    settings,
  };
}

export async function lowBalanceState(db: Db, shopId: string, now = new Date()): Promise<LowBalanceState> {
  const state = await moneyDriverOf(db).read(() => stateScript("id", shopId, now));
  if (!state) throw new ShopNotFound(shopId);
  return state;
}

/**
 * The banner for the most severe crossed threshold of this cycle, unless the merchant dismissed it: one
 * driver read (a second statement only when a threshold is crossed), as it runs on every app page.
 */
function* bannerScript(by: "id" | "domain", key: string, now: Date) {
  const state = yield* stateScript(by, key, now);
  const threshold = state?.crossed.at(-1);
  if (!state || threshold === undefined || !state.cycleStart) return null;
  const [dismissed] = yield* query(DISMISSED, state.shopId, threshold);
  if (dismissed) return null;
  return { threshold, available: state.available, allowance: state.allowance };
}

/** The banner for a shop by its domain: none before the shop has a row (its first request is making it). */
export async function lowBalanceBannerFor(db: Db, domain: string, now = new Date()) {
  return moneyDriverOf(db).read(() => bannerScript("domain", domain, now));
}

/** The banner for a shop by its id (none for an unknown shop). */
export async function lowBalanceBanner(db: Db, shopId: string, now = new Date()) {
  return moneyDriverOf(db).read(() => bannerScript("id", shopId, now));
}

function isUniqueViolation(error: unknown) {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** Claims one alert row; false when another caller (or instance) claimed it first. */
async function claim(
  db: Db,
  shopId: string,
  cycleStart: Date,
  threshold: number,
  channel: string,
  now: Date,
) {
  try {
    await db.lowBalanceAlert.create({
      data: {
        shopId,
        cycleStart,
        threshold,
        channel,
        status: channel === "dismissed" ? "dismissed" : "sending",
        createdAt: now,
      },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function dismissLowBalanceBanner(db: Db, shopId: string, threshold: number, now = new Date()) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { cycleStart: true } });
  if (shop.cycleStart) await claim(db, shopId, shop.cycleStart, threshold, "dismissed", now);
}

/**
 * Sends the alerts the balance calls for and nobody sent yet: per configured channel, one message naming
 * the most severe crossed threshold, after claiming every crossed threshold of this cycle (so a balance
 * that falls past 50% and 20% at once sends one message, and 50% is not sent later). Returns what it sent.
 */
export async function dispatchLowBalanceAlerts(
  db: Db,
  shopId: string,
  senders: AlertSenders,
  now = new Date(),
): Promise<{ channel: AlertChannel; threshold: number; ok: boolean }[]> {
  const state = await lowBalanceState(db, shopId, now);
  if (state.crossed.length === 0 || !state.cycleStart) return [];
  const destinations: [AlertChannel, string | null][] = [
    ["email", state.settings.email],
    ["webhook", state.settings.webhookUrl],
    // Flow needs no address: the trigger goes to the shop, whose workflows decide what it starts.
    ["flow", state.domain],
  ];
  const sent: { channel: AlertChannel; threshold: number; ok: boolean }[] = [];
  for (const [channel, to] of destinations) {
    const send = senders[channel];
    if (!to || !send) continue;
    const claimed: number[] = [];
    for (const threshold of state.crossed)
      if (await claim(db, shopId, state.cycleStart, threshold, channel, now)) claimed.push(threshold);
    const threshold = claimed.at(-1);
    if (threshold === undefined) continue;
    const message: LowBalanceAlertMessage = {
      shopDomain: state.domain,
      threshold,
      available: state.available,
      allowance: state.allowance,
      planName: state.planName,
      cycleEnd: state.cycleEnd,
    };
    let error: string | null = null;
    try {
      await send(to, message);
    } catch (cause) {
      error = cause instanceof Error ? cause.message.slice(0, 500) : String(cause);
    }
    await db.lowBalanceAlert.updateMany({
      where: { shopId, cycleStart: state.cycleStart, channel, threshold: { in: claimed } },
      data: error ? { status: "failed", error } : { status: "sent", sentAt: now },
    });
    sent.push({ channel, threshold, ok: error === null });
  }
  return sent;
}
