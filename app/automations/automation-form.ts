// The automation form as the page posts it: its fields, their defaults, and the parse (zod) into an
// AutomationInput or a sentence per field. Pure TypeScript, shared by the page and its action.
import { z } from "zod";
import { DEFAULT_BRIEF, parseBriefDefaults, tidy } from "../content/brief";
import { InvalidContent } from "../content/errors";
import { PRICES } from "../ledger/prices";
import { parseSchedule } from "./schedule";
import {
  AUTOMATION_LIMITS,
  type AutomationInput,
  type PublishMode,
  type Schedule,
  type TopicSource,
} from "./types";

export type ScheduleKind = Schedule["kind"];

/** Every field as the form holds it: text, as the browser posts it (`days` repeated). */
export interface AutomationFormValues {
  name: string;
  scheduleKind: ScheduleKind;
  time: string;
  /** ISO weekdays "1" (Monday) … "7" (Sunday). */
  days: string[];
  cron: string;
  topicSource: TopicSource;
  briefId: string;
  audience: string;
  tone: string;
  keywords: string;
  length: string;
  language: string;
  blogId: string;
  publishMode: PublishMode;
  publishTime: string;
  maxRunsPerDay: string;
  monthlyBudget: string;
}

export const WEEKDAYS = [
  { value: "1", label: "Monday" },
  { value: "2", label: "Tuesday" },
  { value: "3", label: "Wednesday" },
  { value: "4", label: "Thursday" },
  { value: "5", label: "Friday" },
  { value: "6", label: "Saturday" },
  { value: "7", label: "Sunday" },
] as const;

/** A new automation: one unpublished draft every weekday morning, at most 10 saved drafts a month. */
export function newAutomationValues(blogId: string): AutomationFormValues {
  return {
    name: "",
    scheduleKind: "daily",
    time: "09:00",
    days: ["1"],
    cron: "0 9 * * 1-5",
    topicSource: "queue",
    briefId: "",
    audience: "",
    tone: DEFAULT_BRIEF.tone,
    keywords: "",
    length: DEFAULT_BRIEF.length,
    language: DEFAULT_BRIEF.language,
    blogId,
    publishMode: "draft",
    publishTime: "09:00",
    maxRunsPerDay: "1",
    monthlyBudget: String(10 * PRICES["automation.run"]),
  };
}

/** A saved automation as the form shows it; fields its schedule kind does not use keep the defaults. */
export function automationValues(input: AutomationInput): AutomationFormValues {
  const defaults = newAutomationValues(input.blogId);
  const { schedule } = input;
  return {
    ...defaults,
    name: input.name,
    scheduleKind: schedule.kind,
    time: schedule.kind === "cron" ? defaults.time : schedule.time,
    days: schedule.kind === "weekly" ? schedule.days.map(String) : defaults.days,
    cron: schedule.kind === "cron" ? schedule.expression : defaults.cron,
    topicSource: input.topicSource,
    briefId: input.briefId ?? "",
    audience: input.brief.audience,
    tone: input.brief.tone,
    keywords: input.brief.keywords.join(", "),
    length: input.brief.length,
    language: input.brief.language,
    publishMode: input.publishMode,
    publishTime: input.publishTime ?? defaults.publishTime,
    maxRunsPerDay: String(input.maxRunsPerDay),
    monthlyBudget: String(input.monthlyBudget),
  };
}

/** The values as the page posts them (fetcher.submit): `days` as repeated fields. */
export function automationFormData(values: AutomationFormValues, intent: string): FormData {
  const body = new FormData();
  body.set("intent", intent);
  for (const [name, value] of Object.entries(values))
    if (Array.isArray(value)) for (const item of value) body.append(name, item);
    else body.set(name, value as string);
  return body;
}

const price = PRICES["automation.run"];

const whole = (label: string, min: number, max: number) =>
  z
    .string({ invalid_type_error: `Enter ${label} as a number` })
    .trim()
    .regex(/^\d{1,9}$/, `Enter ${label} as a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label[0]!.toUpperCase()}${label.slice(1)} is ${min} to ${max}`);

const formSchema = z
  .object({
    name: z
      .string({ invalid_type_error: "Enter the name as text" })
      .transform(tidy)
      .refine((name) => name.length > 0, "Give the automation a name")
      .refine(
        (name) => name.length <= AUTOMATION_LIMITS.name,
        `The name can be at most ${AUTOMATION_LIMITS.name} characters`,
      ),
    scheduleKind: z.enum(["daily", "weekly", "cron"], {
      errorMap: () => ({ message: "Choose daily, weekly or a cron expression" }),
    }),
    topicSource: z.enum(["queue", "research"], {
      errorMap: () => ({ message: "Choose the topic queue or topic research of a brief" }),
    }),
    briefId: z.string().trim().max(64, "Pick one of your briefs"),
    blogId: z
      .string({ invalid_type_error: "Pick a blog" })
      .trim()
      .regex(/^gid:\/\/shopify\/Blog\/\d{1,19}$/, "Pick one of the store's blogs"),
    publishMode: z.enum(["draft", "publish"], {
      errorMap: () => ({ message: "Choose an unpublished draft or publishing at a time" }),
    }),
    publishTime: z.string().trim(),
    maxRunsPerDay: whole("runs a day", 1, AUTOMATION_LIMITS.maxRunsPerDay),
    monthlyBudget: whole("the monthly budget", price, AUTOMATION_LIMITS.monthlyBudget),
  })
  .superRefine((form, context) => {
    if (form.topicSource === "research" && !form.briefId)
      context.addIssue({
        code: "custom",
        path: ["briefId"],
        message: "Pick the brief whose topic research gives the topics",
      });
    if (form.publishMode === "publish" && !isTime(form.publishTime))
      context.addIssue({
        code: "custom",
        path: ["publishTime"],
        message: "Give the time to publish, as 09:00",
      });
  });

/** "HH:MM", by the schedule's own rule for a time of day. */
function isTime(value: string): boolean {
  try {
    parseSchedule({ kind: "daily", time: value });
    return true;
  } catch {
    return false;
  }
}

type Source = FormData | Record<string, unknown>;

const all = (source: Source, name: string): unknown[] => {
  const value = source instanceof FormData ? source.getAll(name) : source[name];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
};
const one = (source: Source, name: string): unknown => all(source, name)[0];

/** The schedule the form's fields describe, checked by the scheduler's own rules (parseSchedule). */
function scheduleFrom(source: Source, kind: ScheduleKind): Schedule {
  const time = one(source, "time") ?? "";
  if (kind === "daily") return parseSchedule({ kind, time });
  if (kind === "weekly")
    return parseSchedule({
      kind,
      time,
      days: all(source, "days").map((day) => (typeof day === "string" ? Number(day) : day)),
    });
  return parseSchedule({ kind, expression: one(source, "cron") });
}

export type AutomationFormParse =
  { ok: true; input: AutomationInput } | { ok: false; fieldErrors: Record<string, string> };

/** Reads the automation form: every field's problem at once, each named by its field. */
export function parseAutomationForm(source: Source): AutomationFormParse {
  const fieldErrors: Record<string, string> = {};
  const parsed = formSchema.safeParse({
    name: one(source, "name") ?? "",
    scheduleKind: one(source, "scheduleKind"),
    topicSource: one(source, "topicSource") ?? "queue",
    briefId: one(source, "briefId") ?? "",
    blogId: one(source, "blogId") ?? "",
    publishMode: one(source, "publishMode") ?? "draft",
    publishTime: one(source, "publishTime") ?? "",
    maxRunsPerDay: one(source, "maxRunsPerDay") ?? "",
    monthlyBudget: one(source, "monthlyBudget") ?? "",
  });
  if (!parsed.success)
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;

  let schedule: Schedule | null = null;
  if (parsed.success || !fieldErrors.scheduleKind) {
    try {
      schedule = scheduleFrom(source, String(one(source, "scheduleKind")) as ScheduleKind);
    } catch (error) {
      if (!(error instanceof InvalidContent)) throw error;
      fieldErrors.schedule = error.fieldErrors.schedule ?? error.message;
    }
  }

  const brief = parseBriefDefaults(source);
  if (!brief.ok) Object.assign(fieldErrors, brief.fieldErrors);

  if (!parsed.success || !schedule || !brief.ok) return { ok: false, fieldErrors };
  const form = parsed.data;
  return {
    ok: true,
    input: {
      name: form.name,
      schedule,
      topicSource: form.topicSource,
      briefId: form.topicSource === "research" ? form.briefId : null,
      // Products are picked on a brief; an automation's runs write without featured products.
      brief: { ...brief.defaults, products: [] },
      blogId: form.blogId,
      publishMode: form.publishMode,
      publishTime: form.publishMode === "publish" ? form.publishTime : null,
      maxRunsPerDay: form.maxRunsPerDay,
      monthlyBudget: form.monthlyBudget,
    },
  };
}
