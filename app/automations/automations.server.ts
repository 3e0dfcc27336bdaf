// Automations and their topic queues, always read and written within one shop: another shop's automation
// id is not found. The next slot is kept on the row (nextSlotAt) for the scheduler to find due work with an
// index; every change that moves it (create, update, resume) computes it from now in the shop's time zone.
import type { Automation, AutomationTopic } from "@prisma-generated/sqlite";
import { parse as parseCsv } from "csv-parse/sync";
import { briefFromJson } from "../content/brief";
import { findBrief } from "../content/briefs.server";
import { ContentNotFound, InvalidContent } from "../content/errors";
import type { Db } from "../db/connect.server";
import { usableTimezone } from "../shops/locale";
import { runView, spentThisMonth } from "./runs.server";
import { describeSchedule, nextSlot, parseSchedule } from "./schedule";
import {
  AUTOMATION_LIMITS,
  type AutomationDetail,
  type AutomationInput,
  type AutomationStatus,
  type AutomationSummary,
  type BriefDefaults,
  type PublishMode,
  type TopicSource,
  type TopicView,
} from "./types";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Used topics shown under the waiting ones: the most recent, as history. */
const USED_TOPICS_SHOWN = 20;

/** The shop's time zone for its schedules (UTC until Shopify told us). */
export async function shopTimezone(db: Db | Tx, shopId: string): Promise<string> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { timezone: true } });
  return usableTimezone(shop?.timezone);
}

/** The automation row's schedule, read leniently: a corrupt value never breaks a page. */
export function scheduleOf(row: Pick<Automation, "schedule">) {
  try {
    return parseSchedule(row.schedule);
  } catch {
    return null;
  }
}

/** When a row's automation runs next from `now`: null while paused or when its schedule has no more slots. */
export function nextSlotOf(row: Pick<Automation, "schedule" | "status">, timeZone: string, now: Date) {
  const schedule = scheduleOf(row);
  return row.status === "active" && schedule ? nextSlot(schedule, timeZone, now) : null;
}

/** The brief fields an automation keeps: all but the topic, which each run brings. */
function briefDefaults(fields: BriefDefaults): BriefDefaults {
  const { audience, tone, keywords, length, language, products } = fields;
  return { audience, tone, keywords, length, language, products };
}

async function rowData(db: Db, shopId: string, input: AutomationInput) {
  const schedule = parseSchedule(input.schedule);
  if (input.topicSource === "research") {
    if (!input.briefId) throw new InvalidContent({ briefId: "Choose the brief whose topic research to use" });
    await findBrief(db, shopId, input.briefId);
  }
  return {
    name: input.name.trim(),
    schedule: JSON.stringify(schedule),
    topicSource: input.topicSource,
    briefId: input.briefId,
    brief: JSON.stringify(briefDefaults(input.brief)),
    blogId: input.blogId,
    publishMode: input.publishMode,
    publishTime: input.publishMode === "publish" ? input.publishTime : null,
    maxRunsPerDay: input.maxRunsPerDay,
    monthlyBudget: input.monthlyBudget,
  };
}

async function ownAutomation(db: Db | Tx, shopId: string, id: string) {
  const row = await db.automation.findFirst({ where: { id, shopId } });
  if (!row) throw new ContentNotFound("automation");
  return row;
}

function topicView(topic: AutomationTopic): TopicView {
  return { id: topic.id, position: topic.position, topic: topic.topic, runId: topic.runId };
}

async function summaries(db: Db, shopId: string, rows: Automation[], now: Date) {
  const ids = rows.map((row) => row.id);
  const timeZone = await shopTimezone(db, shopId);
  const [spent, waiting, lastRuns] = await Promise.all([
    spentThisMonth(db, ids, timeZone, now),
    db.automationTopic.groupBy({
      by: ["automationId"],
      where: { automationId: { in: ids }, runId: null },
      _count: { _all: true },
    }),
    Promise.all(
      ids.map((automationId) =>
        db.automationRun.findFirst({ where: { automationId }, orderBy: { slot: "desc" } }),
      ),
    ),
  ]);
  const waitingBy = new Map(waiting.map((row) => [row.automationId, row._count._all]));
  return rows.map((row, i): AutomationSummary => {
    const schedule = scheduleOf(row) ?? { kind: "daily" as const, time: "09:00" };
    const lastRun = lastRuns[i];
    return {
      id: row.id,
      name: row.name,
      status: row.status as AutomationStatus,
      schedule,
      scheduleText: scheduleOf(row) ? describeSchedule(schedule) : "Schedule unreadable: edit it",
      nextSlotAt: row.nextSlotAt?.toISOString() ?? null,
      lastRun: lastRun ? runView(lastRun) : null,
      spentThisMonth: spent.get(row.id) ?? 0,
      monthlyBudget: row.monthlyBudget,
      topicsWaiting: waitingBy.get(row.id) ?? 0,
    };
  });
}

export async function findAutomation(
  db: Db,
  shopId: string,
  id: string,
  now = new Date(),
): Promise<AutomationDetail> {
  const row = await ownAutomation(db, shopId, id);
  const [[summary], waiting, used] = await Promise.all([
    summaries(db, shopId, [row], now),
    db.automationTopic.findMany({ where: { automationId: id, runId: null }, orderBy: { position: "asc" } }),
    db.automationTopic.findMany({
      where: { automationId: id, runId: { not: null } },
      orderBy: { position: "desc" },
      take: USED_TOPICS_SHOWN,
    }),
  ]);
  return {
    ...summary!,
    topicSource: row.topicSource as TopicSource,
    briefId: row.briefId,
    brief: briefDefaults(briefFromJson(row.brief)),
    blogId: row.blogId,
    publishMode: row.publishMode as PublishMode,
    publishTime: row.publishTime,
    maxRunsPerDay: row.maxRunsPerDay,
    topics: [...waiting, ...used].map(topicView),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The shop's automations, newest first. */
export async function listAutomations(
  db: Db,
  shopId: string,
  now = new Date(),
): Promise<AutomationSummary[]> {
  const rows = await db.automation.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take: 200 });
  return summaries(db, shopId, rows, now);
}

/** A new, active automation with its first topics; its first slot is the schedule's next one after now. */
export async function createAutomation(
  db: Db,
  shopId: string,
  input: AutomationInput,
  topics: string[],
  now = new Date(),
): Promise<AutomationDetail> {
  const data = await rowData(db, shopId, input);
  const timeZone = await shopTimezone(db, shopId);
  const tidy = tidyTopics(topics);
  // One transaction: a list that cannot be queued leaves no automation behind.
  const row = await db.$transaction(async (tx) => {
    const created = await tx.automation.create({
      data: {
        ...data,
        shopId,
        status: "active",
        nextSlotAt: nextSlotOf({ ...data, status: "active" }, timeZone, now),
        createdAt: now,
      },
    });
    if (tidy.length > 0) await queueTopics(tx, created.id, tidy);
    return created;
  });
  return findAutomation(db, shopId, row.id, now);
}

/** Saves the form again; the next slot follows the (possibly new) schedule from now. */
export async function updateAutomation(
  db: Db,
  shopId: string,
  id: string,
  input: AutomationInput,
  now = new Date(),
): Promise<AutomationDetail> {
  const row = await ownAutomation(db, shopId, id);
  const data = await rowData(db, shopId, input);
  const timeZone = await shopTimezone(db, shopId);
  await db.automation.updateMany({
    where: { id, shopId },
    data: { ...data, nextSlotAt: nextSlotOf({ ...data, status: row.status }, timeZone, now) },
  });
  return findAutomation(db, shopId, id, now);
}

/**
 * Pause: no slot is due until it resumes. Resume: the next slot after now; slots that fell while paused
 * are neither run nor logged (the merchant chose that).
 */
export async function setAutomationPaused(
  db: Db,
  shopId: string,
  id: string,
  paused: boolean,
  now = new Date(),
): Promise<AutomationDetail> {
  const row = await ownAutomation(db, shopId, id);
  const status: AutomationStatus = paused ? "paused" : "active";
  const timeZone = await shopTimezone(db, shopId);
  await db.automation.updateMany({
    where: { id, shopId },
    data: { status, nextSlotAt: nextSlotOf({ schedule: row.schedule, status }, timeZone, now) },
  });
  return findAutomation(db, shopId, id, now);
}

/** Deletes the automation with its topics and run log; its saved drafts and ledger entries stay. */
export async function deleteAutomation(db: Db, shopId: string, id: string): Promise<void> {
  const deleted = await db.automation.deleteMany({ where: { id, shopId } });
  if (deleted.count === 0) throw new ContentNotFound("automation");
}

// ---- the topic queue ----

/** Runs `work` with the automation's row locked, so topic writers of one automation go one at a time. */
async function withTopicsLocked<T>(db: Db, shopId: string, id: string, work: (tx: Tx) => Promise<T>) {
  return db.$transaction(async (tx) => {
    // Touching the row takes its lock (PostgreSQL) or the write lock (SQLite).
    const touched = await tx.automation.updateMany({
      where: { id, shopId },
      data: { updatedAt: new Date() },
    });
    if (touched.count === 0) throw new ContentNotFound("automation");
    return work(tx);
  });
}

const topicKey = (topic: string) => topic.toLocaleLowerCase();

/** Topics trimmed, whitespace collapsed, blanks dropped; each within the length limit. */
function tidyTopics(topics: string[]): string[] {
  const tidy = topics.map((topic) => topic.replace(/\s+/g, " ").trim()).filter(Boolean);
  const tooLong = tidy.find((topic) => topic.length > AUTOMATION_LIMITS.topic);
  if (tooLong)
    throw new InvalidContent({
      topics: `Keep each topic under ${AUTOMATION_LIMITS.topic} characters ("${tooLong.slice(0, 40)}…" is longer)`,
    });
  return tidy;
}

/** Appends tidy topics that are not waiting yet (case-blind), within the queue's limit, under the lock. */
async function queueTopics(tx: Tx, id: string, tidy: string[]) {
  const waiting = await tx.automationTopic.findMany({
    where: { automationId: id, runId: null },
    select: { topic: true },
  });
  const seen = new Set(waiting.map((row) => topicKey(row.topic)));
  const fresh: string[] = [];
  for (const topic of tidy) {
    if (seen.has(topicKey(topic))) continue;
    seen.add(topicKey(topic));
    fresh.push(topic);
  }
  if (waiting.length + fresh.length > AUTOMATION_LIMITS.topics)
    throw new InvalidContent({
      topics: `A queue holds at most ${AUTOMATION_LIMITS.topics} waiting topics; ${waiting.length} are waiting`,
    });
  const last = await tx.automationTopic.aggregate({
    where: { automationId: id },
    _max: { position: true },
  });
  const start = (last._max.position ?? -1) + 1;
  if (fresh.length > 0)
    await tx.automationTopic.createMany({
      data: fresh.map((topic, i) => ({ automationId: id, topic, position: start + i })),
    });
  return { added: fresh.length, duplicates: tidy.length - fresh.length };
}

/**
 * Appends topics to the queue, trimmed, without blanks and without repeating a waiting topic (case-blind).
 * Answers how many were added and how many were already waiting.
 */
export async function addTopics(
  db: Db,
  shopId: string,
  id: string,
  topics: string[],
): Promise<{ added: number; duplicates: number }> {
  const tidy = tidyTopics(topics);
  return withTopicsLocked(db, shopId, id, (tx) => queueTopics(tx, id, tidy));
}

/** Moves a waiting topic to `toIndex` among the waiting ones (0 = next to run). */
export async function moveTopic(db: Db, shopId: string, id: string, topicId: string, toIndex: number) {
  await withTopicsLocked(db, shopId, id, async (tx) => {
    const waiting = await tx.automationTopic.findMany({
      where: { automationId: id, runId: null },
      orderBy: { position: "asc" },
    });
    const from = waiting.findIndex((topic) => topic.id === topicId);
    if (from < 0) throw new ContentNotFound("topic");
    const to = Math.min(Math.max(0, Math.floor(toIndex)), waiting.length - 1);
    if (to === from) return;
    const positions = waiting.map((topic) => topic.position);
    const [moved] = waiting.splice(from, 1);
    waiting.splice(to, 0, moved!);
    // The waiting topics keep the positions they held, in the new order.
    for (const [i, topic] of waiting.entries())
      if (topic.position !== positions[i])
        await tx.automationTopic.update({ where: { id: topic.id }, data: { position: positions[i]! } });
  });
}

/** Removes a waiting topic from the queue (one a run used stays, as that run's history). */
export async function removeTopic(db: Db, shopId: string, id: string, topicId: string) {
  await withTopicsLocked(db, shopId, id, async (tx) => {
    const removed = await tx.automationTopic.deleteMany({
      where: { id: topicId, automationId: id, runId: null },
    });
    if (removed.count === 0) throw new ContentNotFound("topic");
  });
}

/**
 * Topics from a pasted list or an uploaded file: one per line, or CSV, whose topic is the column headed
 * "topic" or else the first column. Text is read as CSV when its first line has a "topic" column or every
 * line has the same number (2 or more) of fields; a plain list whose lines merely contain commas stays a list.
 */
export function parseTopicList(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  if (lines.length === 0) return [];
  let rows: string[][] | null = null;
  try {
    rows = parseCsv(lines.join("\n"), {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch {
    rows = null;
  }
  const header = rows?.[0]?.findIndex((cell) => cell.trim().toLowerCase() === "topic") ?? -1;
  const widths = new Set(rows?.map((row) => row.length));
  const isCsv = rows !== null && (header >= 0 || (widths.size === 1 && (rows[0]?.length ?? 0) >= 2));
  const topics = isCsv
    ? rows!.slice(header >= 0 ? 1 : 0).map((row) => row[Math.max(header, 0)] ?? "")
    : lines;
  const seen = new Set<string>();
  return topics
    .map((topic) => topic.replace(/\s+/g, " ").trim())
    .filter((topic) => topic !== "" && !seen.has(topicKey(topic)) && seen.add(topicKey(topic)));
}
