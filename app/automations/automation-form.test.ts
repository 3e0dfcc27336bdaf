import { describe, expect, it } from "vitest";
import {
  automationFormData,
  automationValues,
  newAutomationValues,
  parseAutomationForm,
  type AutomationFormValues,
} from "./automation-form";

const BLOG = "gid://shopify/Blog/1";

const form = (changes: Partial<AutomationFormValues> = {}) =>
  automationFormData({ ...newAutomationValues(BLOG), name: "Weekly tips", ...changes }, "save");

const errorsOf = (changes: Partial<AutomationFormValues>) => {
  const parsed = parseAutomationForm(form(changes));
  if (parsed.ok) throw new Error("expected field errors");
  return parsed.fieldErrors;
};

describe("the automation form", () => {
  it("a new automation's defaults parse as an unpublished daily draft from the queue", () => {
    expect(parseAutomationForm(form())).toEqual({
      ok: true,
      input: {
        name: "Weekly tips",
        schedule: { kind: "daily", time: "09:00" },
        topicSource: "queue",
        briefId: null,
        brief: {
          audience: "",
          tone: "friendly",
          keywords: [],
          length: "medium",
          language: "en",
          products: [],
        },
        blogId: BLOG,
        publishMode: "draft",
        publishTime: null,
        maxRunsPerDay: 1,
        monthlyBudget: 20,
      },
    });
  });

  it("weekly days come as repeated fields, sorted and deduplicated; publishing keeps its time", () => {
    const parsed = parseAutomationForm(
      form({
        scheduleKind: "weekly",
        time: "07:30",
        days: ["4", "1", "4"],
        publishMode: "publish",
        publishTime: "10:15",
        keywords: "winter, socks",
        topicSource: "research",
        briefId: "brief-1",
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      input: {
        schedule: { kind: "weekly", time: "07:30", days: [1, 4] },
        publishMode: "publish",
        publishTime: "10:15",
        topicSource: "research",
        briefId: "brief-1",
        brief: { keywords: ["winter", "socks"] },
      },
    });
  });

  it("a saved automation reads back into the same form values", () => {
    const values = {
      ...newAutomationValues(BLOG),
      name: "Cron",
      scheduleKind: "cron" as const,
      cron: "0 9 * * 1-5",
    };
    const parsed = parseAutomationForm(automationFormData(values, "save"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
    expect(automationValues(parsed.input)).toEqual(values);
  });

  it("names every wrong field at once, in words", () => {
    expect(
      errorsOf({
        name: "  ",
        scheduleKind: "cron",
        cron: "0 9 * *",
        topicSource: "research",
        briefId: "",
        blogId: "gid://shopify/Product/1",
        publishMode: "publish",
        publishTime: "25:00",
        maxRunsPerDay: "0",
        monthlyBudget: "1",
        length: "huge",
      }),
    ).toEqual({
      name: "Give the automation a name",
      schedule: expect.stringMatching(/five fields/),
      briefId: "Pick the brief whose topic research gives the topics",
      blogId: "Pick one of the store's blogs",
      publishTime: "Give the time to publish, as 09:00",
      maxRunsPerDay: "Runs a day is 1 to 24",
      monthlyBudget: "The monthly budget is 2 to 100000",
      length: "Choose short, medium or long",
    });
  });

  it("a weekly schedule needs a day and a time; an unknown kind is named", () => {
    expect(errorsOf({ scheduleKind: "weekly", days: [] })).toEqual({ schedule: "Choose at least one day" });
    expect(errorsOf({ time: "9am" })).toEqual({ schedule: "Enter a time as HH:MM (24-hour)" });
    expect(errorsOf({ scheduleKind: "hourly" as never })).toEqual({
      scheduleKind: "Choose daily, weekly or a cron expression",
    });
    expect(errorsOf({ monthlyBudget: "ten" })).toEqual({
      monthlyBudget: "Enter the monthly budget as a whole number",
    });
  });

  it("a missing field is an error, not a crash; a file where text belongs is named", () => {
    expect(parseAutomationForm(new FormData())).toMatchObject({
      ok: false,
      fieldErrors: { name: "Give the automation a name", scheduleKind: expect.any(String) },
    });
    const body = form();
    body.set("name", new File(["x"], "name.txt"));
    expect(parseAutomationForm(body)).toMatchObject({
      ok: false,
      fieldErrors: { name: "Enter the name as text" },
    });
  });
});
