import { describe, expect, test } from "vitest";
import { InvalidContent } from "../content/errors";
import { describeSchedule, nextLocalTime, nextSlot, parseSchedule, validateCron } from "./schedule";
import type { Schedule } from "./types";

const BERLIN = "Europe/Berlin";

/** The slots after `from`, one after another, as UTC ISO strings. */
function slots(schedule: Schedule, timeZone: string, from: string, count: number) {
  const out: string[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i++) {
    after = nextSlot(schedule, timeZone, after)!;
    out.push(after.toISOString());
  }
  return out;
}

const berlinWallClock = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: BERLIN,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));

describe("schedules", () => {
  test("a weekly 09:00 automation in Europe/Berlin runs at 09:00 local across both DST changes", () => {
    const weekly: Schedule = { kind: "weekly", time: "09:00", days: [1] };
    // Spring forward on Sunday 29 March 2026: 08:00 UTC before, 07:00 UTC after.
    expect(slots(weekly, BERLIN, "2026-03-20T00:00:00Z", 3)).toEqual([
      "2026-03-23T08:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
      "2026-04-06T07:00:00.000Z",
    ]);
    // Fall back on Sunday 25 October 2026.
    const autumn = slots(weekly, BERLIN, "2026-10-15T00:00:00Z", 3);
    expect(autumn).toEqual([
      "2026-10-19T07:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
      "2026-11-02T08:00:00.000Z",
    ]);
    expect(autumn.map(berlinWallClock)).toEqual(["Mon 09:00", "Mon 09:00", "Mon 09:00"]);
  });

  test("the next slot is strictly after the given time, to the minute", () => {
    const daily: Schedule = { kind: "daily", time: "09:00" };
    expect(nextSlot(daily, "UTC", new Date("2026-05-01T09:00:00Z"))!.toISOString()).toBe(
      "2026-05-02T09:00:00.000Z",
    );
    expect(nextSlot(daily, "UTC", new Date("2026-05-01T08:59:59.900Z"))!.toISOString()).toBe(
      "2026-05-01T09:00:00.000Z",
    );
    expect(nextSlot(daily, "America/New_York", new Date("2026-05-01T12:00:00Z"))!.toISOString()).toBe(
      "2026-05-01T13:00:00.000Z",
    );
  });

  test("weekly days are ISO weekdays (7 is Sunday) and a cron expression is evaluated in the shop's zone", () => {
    const weekends: Schedule = { kind: "weekly", time: "10:30", days: [6, 7] };
    expect(slots(weekends, BERLIN, "2026-06-01T00:00:00Z", 2).map(berlinWallClock)).toEqual([
      "Sat 10:30",
      "Sun 10:30",
    ]);
    const cron: Schedule = { kind: "cron", expression: "0 9 * * 1-5" };
    expect(slots(cron, BERLIN, "2026-06-05T12:00:00Z", 2).map(berlinWallClock)).toEqual([
      "Mon 09:00",
      "Tue 09:00",
    ]);
  });

  test("a local time on a day: the wall-clock time, also on the day the clocks change", () => {
    expect(nextLocalTime("14:00", BERLIN, new Date("2026-03-28T23:00:00Z"))!.toISOString()).toBe(
      "2026-03-29T12:00:00.000Z",
    );
    expect(nextLocalTime("00:00", "UTC", new Date("2026-03-29T00:00:00Z"))!.toISOString()).toBe(
      "2026-03-29T00:00:00.000Z",
    );
  });

  test("schedules in words", () => {
    expect(describeSchedule({ kind: "daily", time: "09:00" })).toBe("Every day at 09:00");
    expect(describeSchedule({ kind: "weekly", time: "09:00", days: [4, 1] })).toBe(
      "Mondays and Thursdays at 09:00",
    );
    expect(describeSchedule({ kind: "weekly", time: "07:15", days: [1, 3, 5] })).toBe(
      "Mondays, Wednesdays and Fridays at 07:15",
    );
    expect(describeSchedule({ kind: "weekly", time: "09:00", days: [1, 2, 3, 4, 5] })).toBe(
      "Weekdays at 09:00",
    );
    expect(describeSchedule({ kind: "cron", expression: "0 9 * * 1-5" })).toBe("Cron 0 9 * * 1-5");
  });

  test("parsing reads stored JSON, tidies days and cron spacing, and names what is wrong", () => {
    expect(parseSchedule('{"kind":"weekly","time":"09:00","days":[4,1,4]}')).toEqual({
      kind: "weekly",
      time: "09:00",
      days: [1, 4],
    });
    expect(parseSchedule({ kind: "cron", expression: "  0  9 * * 1-5 " })).toEqual({
      kind: "cron",
      expression: "0 9 * * 1-5",
    });
    const problem = (value: unknown) => {
      try {
        parseSchedule(value);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidContent);
        return (error as InvalidContent).fieldErrors.schedule;
      }
      throw new Error("parsed");
    };
    expect(problem({ kind: "daily", time: "24:00" })).toBe("Enter a time as HH:MM (24-hour)");
    expect(problem({ kind: "weekly", time: "09:00", days: [] })).toBe("Choose at least one day");
    expect(problem({ kind: "hourly" })).toBe("Choose daily, weekly or a cron expression");
    expect(problem("not json")).toBe("Choose daily, weekly or a cron expression");
    expect(problem({ kind: "cron", expression: "0 9 * *" })).toMatch(/five fields/);
  });

  test("cron validation: five readable fields that match some date", () => {
    expect(validateCron("*/15 8-18 * * 1-5")).toBeNull();
    expect(validateCron("")).toMatch(/Enter a cron expression/);
    expect(validateCron("0 25 * * *")).toMatch(/not a cron expression we can read \(Invalid value for hour/);
    expect(validateCron("0 0 31 2 *")).toBe("This cron expression never matches a date");
    expect(validateCron("0 0 * * * *")).toMatch(/five fields/);
  });
});
