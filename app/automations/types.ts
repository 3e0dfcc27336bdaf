// The automation vocabulary every layer shares: what a merchant sets up, what a run records, what the
// pages show. Pure TypeScript (no Remix, Shopify or Prisma).
import type { BriefFields } from "../ai/provider";

/** When an automation runs, in the shop's time zone. Days are ISO weekdays: 1 = Monday … 7 = Sunday. */
export type Schedule =
  | { kind: "daily"; time: string }
  | { kind: "weekly"; time: string; days: number[] }
  | { kind: "cron"; expression: string };

export type TopicSource = "queue" | "research";
export type PublishMode = "draft" | "publish";
export type AutomationStatus = "active" | "paused";
export type RunStatus = "queued" | "running" | "saved" | "failed" | "skipped";

/** The brief every run writes from; the topic comes from the queue or from topic research. */
export type BriefDefaults = Omit<BriefFields, "topic">;

/** What the automation form saves (create and update). */
export interface AutomationInput {
  name: string;
  schedule: Schedule;
  topicSource: TopicSource;
  /** research: the brief whose latest topic research gives the next idea (required then). */
  briefId: string | null;
  brief: BriefDefaults;
  /** gid://shopify/Blog/<n> */
  blogId: string;
  publishMode: PublishMode;
  /** "HH:MM" in the shop's time zone; required when publishMode is "publish". */
  publishTime: string | null;
  maxRunsPerDay: number;
  /** Credits per calendar month (shop time zone). */
  monthlyBudget: number;
}

export const AUTOMATION_LIMITS = {
  name: 80,
  topic: 200,
  topics: 500,
  maxRunsPerDay: 24,
  monthlyBudget: 100_000,
} as const;

/** The actor an automation's spends carry: the Activity Ledger names the automation from it. */
export function automationActor(automationId: string): string {
  return `automation:${automationId}`;
}

/** Spends started by a Shopify Flow action; the Activity Ledger names them "Shopify Flow". */
export const FLOW_ACTOR = "automation:flow";

export interface TopicView {
  id: string;
  position: number;
  topic: string;
  /** The run that used it up; null while it waits in the queue. */
  runId: string | null;
}

/** One scheduled slot as the run log shows it. */
export interface RunView {
  id: string;
  slot: string;
  status: RunStatus;
  reason: string | null;
  topic: string | null;
  draftId: string | null;
  articleId: string | null;
  credits: number;
  /** finishedAt − startedAt, when both are known. */
  durationMs: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AutomationSummary {
  id: string;
  name: string;
  status: AutomationStatus;
  schedule: Schedule;
  /** The schedule in words, e.g. "Mondays and Thursdays at 09:00". */
  scheduleText: string;
  nextSlotAt: string | null;
  lastRun: RunView | null;
  /** Credits captured by its runs this calendar month, against monthlyBudget. */
  spentThisMonth: number;
  monthlyBudget: number;
  topicsWaiting: number;
}

export interface AutomationDetail extends AutomationSummary, AutomationInput {
  topics: TopicView[];
  createdAt: string;
  updatedAt: string;
}
