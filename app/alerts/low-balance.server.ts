// Low-balance alerts: which threshold the shop's balance is below in its cycle, the banner every app page
// shows for it (until dismissed), and the e-mail and webhook sent once per threshold per cycle. "Once" is
// the LowBalanceAlert row's unique key: every instance that notices tries to insert it, one wins and sends.
import { FREE_PLAN, planByKey } from "../billing/plans";
import type { Db } from "../db/connect.server";
import { getBalance } from "../ledger/balance.server";
import { belowThreshold, settingsFromRow, type AlertSettingsValue } from "./settings";

export type AlertChannel = "email" | "webhook";

export interface LowBalanceAlertMessage {
  shopDomain: string;
  threshold: number;
  available: number;
  allowance: number;
  planName: string;
  cycleEnd: Date | null;
}

/** How an alert leaves the app (app/alerts/senders.server.ts); a throw marks it failed. */
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

// What of the shop row the alerts read: its plan and cycle, and its domain for the message.
const ALERT_SHOP = { id: true, domain: true, planKey: true, cycleStart: true, cycleEnd: true } as const;
type AlertShop = {
  id: string;
  domain: string;
  planKey: string;
  cycleStart: Date | null;
  cycleEnd: Date | null;
};

async function stateOf(db: Db, shop: AlertShop, now: Date): Promise<LowBalanceState> {
  const [balance, settingsRow] = await Promise.all([
    getBalance(db, shop.id, now),
    db.alertSettings.findUnique({ where: { shopId: shop.id } }),
  ]);
  const plan = planByKey(shop.planKey) ?? FREE_PLAN;
  const settings = settingsFromRow(settingsRow);
  const crossed = settings.thresholds
    .filter((threshold) => belowThreshold(balance.available, plan.monthlyCredits, threshold))
    .sort((a, b) => b - a);
  return {
    domain: shop.domain,
    available: balance.available,
    allowance: plan.monthlyCredits,
    planName: plan.name,
    cycleStart: shop.cycleStart,
    cycleEnd: shop.cycleEnd,
    crossed,
    settings,
  };
}

export async function lowBalanceState(db: Db, shopId: string, now = new Date()): Promise<LowBalanceState> {
  return stateOf(db, await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: ALERT_SHOP }), now);
}

/** The banner for a shop by its domain: none before the shop has a row (its first request is making it). */
export async function lowBalanceBannerFor(db: Db, domain: string, now = new Date()) {
  const shop = await db.shop.findUnique({ where: { domain }, select: ALERT_SHOP });
  return shop ? bannerOf(db, shop, now) : null;
}

/** The banner for the most severe crossed threshold of this cycle, unless the merchant dismissed it. */
export async function lowBalanceBanner(db: Db, shopId: string, now = new Date()) {
  return bannerOf(db, await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: ALERT_SHOP }), now);
}

async function bannerOf(db: Db, shop: AlertShop, now: Date) {
  const state = await stateOf(db, shop, now);
  const threshold = state.crossed.at(-1);
  if (threshold === undefined || !state.cycleStart) return null;
  const dismissed = await db.lowBalanceAlert.findUnique({
    where: {
      shopId_cycleStart_threshold_channel: {
        shopId: shop.id,
        cycleStart: state.cycleStart,
        threshold,
        channel: "dismissed",
      },
    },
    select: { id: true },
  });
  if (dismissed) return null;
  return { threshold, available: state.available, allowance: state.allowance };
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
