// When an automation runs: its schedule read and validated, the next slot in the shop's time zone, and the
// schedule in words. Every kind becomes a 5-field cron pattern evaluated by croner in the shop's IANA zone,
// so daylight saving time is croner's: 09:00 stays 09:00 local across the change (a time that does not
// exist that day, 02:30 on a spring-forward night, runs an hour later; one that exists twice runs once).
// Pure TypeScript: the pages' code may use it. docs/decisions/009-automation-scheduler.md.
import { Cron } from "croner";
import { z } from "zod";
import { InvalidContent } from "../content/errors";
import type { Schedule } from "./types";

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];
const MAX_CRON_LENGTH = 100;

/** Why a cron expression cannot be used, for the merchant; null when it can. */
export function validateCron(expression: string): string | null {
  const text = expression.trim();
  if (!text) return "Enter a cron expression, e.g. 0 9 * * 1-5";
  if (text.length > MAX_CRON_LENGTH) return `Keep the cron expression under ${MAX_CRON_LENGTH} characters`;
  if (text.split(/\s+/).length !== 5)
    return "Use five fields: minute hour day-of-month month day-of-week (e.g. 0 9 * * 1-5)";
  let cron: Cron;
  try {
    cron = new Cron(text, { mode: "5-part", timezone: "UTC" });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : String(error);
    return `This is not a cron expression we can read (${reason})`;
  }
  // 31 February and the like: a schedule that would never run is a mistake, not an automation.
  if (cron.nextRun(new Date()) === null) return "This cron expression never matches a date";
  return null;
}

const scheduleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("daily"), time: z.string().regex(TIME, "Enter a time as HH:MM (24-hour)") }),
  z.object({
    kind: z.literal("weekly"),
    time: z.string().regex(TIME, "Enter a time as HH:MM (24-hour)"),
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1, "Choose at least one day")
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
  }),
  z.object({
    kind: z.literal("cron"),
    expression: z
      .string()
      .transform((text) => text.trim().replace(/\s+/g, " "))
      .superRefine((text, ctx) => {
        const problem = validateCron(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  }),
]);

/** A stored or submitted schedule (an object, or its JSON); InvalidContent names what is wrong. */
export function parseSchedule(value: unknown): Schedule {
  let source = value;
  if (typeof value === "string") {
    try {
      source = JSON.parse(value) as unknown;
    } catch {
      source = null;
    }
  }
  const parsed = scheduleSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const message =
    issue?.code === "invalid_union_discriminator" || issue?.code === "invalid_type"
      ? "Choose daily, weekly or a cron expression"
      : (issue?.message ?? "Choose a schedule");
  throw new InvalidContent({ schedule: message });
}

/** The schedule as a 5-field cron pattern (ISO weekdays 1–7 become cron's 1–6 and 0 for Sunday). */
function cronPattern(schedule: Schedule): string {
  if (schedule.kind === "cron") return schedule.expression;
  const [hour, minute] = schedule.time.split(":").map(Number);
  const days = schedule.kind === "weekly" ? schedule.days.map((day) => day % 7).join(",") : "*";
  return `${minute} ${hour} * * ${days}`;
}

/** The first slot strictly after `after`, to the minute, in `timeZone`; null if the schedule has no more. */
export function nextSlot(schedule: Schedule, timeZone: string, after: Date): Date | null {
  return new Cron(cronPattern(schedule), { mode: "5-part", timezone: timeZone }).nextRun(after);
}

/** The instant the wall clock in `timeZone` first reads `time` ("HH:MM") on or after `from`. */
export function nextLocalTime(time: string, timeZone: string, from: Date): Date | null {
  return nextSlot({ kind: "daily", time }, timeZone, new Date(from.getTime() - 1));
}

function joinWords(words: string[]) {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** "Every day at 09:00", "Mondays and Thursdays at 09:00", "Cron 0 9 * * 1-5". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case "daily":
      return `Every day at ${schedule.time}`;
    case "weekly": {
      const days = [...new Set(schedule.days)].sort((a, b) => a - b);
      if (days.length === 7) return `Every day at ${schedule.time}`;
      if (days.join() === "1,2,3,4,5") return `Weekdays at ${schedule.time}`;
      return `${joinWords(days.map((day) => DAY_NAMES[day - 1]!))} at ${schedule.time}`;
    }
    case "cron":
      return `Cron ${schedule.expression}`;
  }
}
