// Automations and their topic queues on both engines: scoped by shop, the next slot in the shop's time
// zone, the queue's order kept through adds, moves and removals.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { ContentNotFound, InvalidContent } from "../content/errors";
import {
  addTopics,
  createAutomation,
  deleteAutomation,
  findAutomation,
  listAutomations,
  moveTopic,
  parseTopicList,
  removeTopic,
  setAutomationPaused,
  updateAutomation,
} from "./automations.server";
import { listRuns } from "./runs.server";
import type { AutomationInput } from "./types";

const AUTOMATION_INPUT: AutomationInput = {
  name: "Monday coffee notes",
  schedule: { kind: "weekly", time: "09:00", days: [1, 4] },
  topicSource: "queue",
  briefId: null,
  brief: {
    audience: "home baristas",
    tone: "friendly",
    keywords: ["pour-over"],
    length: "short",
    language: "en",
    products: [],
  },
  blogId: "gid://shopify/Blog/1",
  publishMode: "draft",
  publishTime: null,
  maxRunsPerDay: 1,
  monthlyBudget: 20,
};

// Wednesday 1 April 2026, 12:00 in Berlin (CEST).
const NOW = new Date("2026-04-01T10:00:00Z");

describe("topic lists", () => {
  test("one per line, or CSV by its topic column or first column, without blanks or repeats", () => {
    expect(
      parseTopicList("Pour-over basics\n\n  Grinding at home \npour-over basics\r\nCold brew, simply"),
    ).toEqual(["Pour-over basics", "Grinding at home", "Cold brew, simply"]);
    expect(parseTopicList('keyword,topic\ncoffee,"Dialling in, step by step"\ntea,Green tea\n')).toEqual([
      "Dialling in, step by step",
      "Green tea",
    ]);
    expect(parseTopicList("\uFEFFLatte art,3\nMilk frothing,1\n")).toEqual(["Latte art", "Milk frothing"]);
    expect(parseTopicList("  \n")).toEqual([]);
  });
});

describe.each(ENGINES)("automations on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(async () => t.drop());

  async function berlinShop() {
    const shop = await createShop(t.db);
    await t.db.shop.update({ where: { id: shop.id }, data: { timezone: "Europe/Berlin" } });
    return shop.id;
  }

  test("a new automation is active, its next slot the schedule's next in the shop's zone, its topics queued", async () => {
    const shopId = await berlinShop();
    const created = await createAutomation(
      t.db,
      shopId,
      { ...AUTOMATION_INPUT, name: "  Monday coffee notes " },
      ["Pour-over basics", " pour-over basics ", "Cold brew"],
      NOW,
    );
    expect(created).toMatchObject({
      name: "Monday coffee notes",
      status: "active",
      scheduleText: "Mondays and Thursdays at 09:00",
      // Thursday 2 April, 09:00 CEST.
      nextSlotAt: "2026-04-02T07:00:00.000Z",
      topicsWaiting: 2,
      spentThisMonth: 0,
      lastRun: null,
      brief: AUTOMATION_INPUT.brief,
    });
    expect(created.topics.map((topic) => topic.topic)).toEqual(["Pour-over basics", "Cold brew"]);
    expect((await listAutomations(t.db, shopId, NOW)).map((a) => a.id)).toEqual([created.id]);
  });

  test("another shop's automation is not found, for every operation", async () => {
    const owner = await berlinShop();
    const other = await berlinShop();
    const { id, topics } = await createAutomation(t.db, owner, AUTOMATION_INPUT, ["A topic"], NOW);
    const topicId = topics[0]!.id;
    const attempts = [
      () => findAutomation(t.db, other, id),
      () => updateAutomation(t.db, other, id, AUTOMATION_INPUT, NOW),
      () => setAutomationPaused(t.db, other, id, true, NOW),
      () => deleteAutomation(t.db, other, id),
      () => addTopics(t.db, other, id, ["Sneaky"]),
      () => moveTopic(t.db, other, id, topicId, 0),
      () => removeTopic(t.db, other, id, topicId),
      () => listRuns(t.db, other, id),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(ContentNotFound);
    expect(await listAutomations(t.db, other)).toEqual([]);
    expect((await findAutomation(t.db, owner, id)).topics.map((topic) => topic.topic)).toEqual(["A topic"]);
  });

  test("pausing clears the next slot; resuming takes the next slot after now, not the ones missed", async () => {
    const shopId = await berlinShop();
    const { id } = await createAutomation(t.db, shopId, AUTOMATION_INPUT, [], NOW);
    expect((await setAutomationPaused(t.db, shopId, id, true, NOW)).nextSlotAt).toBeNull();
    // Resumed on Tuesday 14 April at noon: Thursday 16 April at 09:00.
    const resumed = await setAutomationPaused(t.db, shopId, id, false, new Date("2026-04-14T10:00:00Z"));
    expect(resumed).toMatchObject({ status: "active", nextSlotAt: "2026-04-16T07:00:00.000Z" });
    const edited = await updateAutomation(
      t.db,
      shopId,
      id,
      {
        ...AUTOMATION_INPUT,
        schedule: { kind: "daily", time: "18:30" },
        publishMode: "publish",
        publishTime: "20:00",
      },
      new Date("2026-04-14T10:00:00Z"),
    );
    expect(edited).toMatchObject({ nextSlotAt: "2026-04-14T16:30:00.000Z", publishTime: "20:00" });
    expect(await t.db.automationRun.count({ where: { automationId: id } })).toBe(0);
  });

  test("a research automation needs a brief of this shop; a bad schedule names the field", async () => {
    const shopId = await berlinShop();
    await expect(
      createAutomation(
        t.db,
        shopId,
        { ...AUTOMATION_INPUT, topicSource: "research", briefId: null },
        [],
        NOW,
      ),
    ).rejects.toMatchObject({ fieldErrors: { briefId: expect.any(String) } });
    await expect(
      createAutomation(
        t.db,
        shopId,
        { ...AUTOMATION_INPUT, topicSource: "research", briefId: "nope" },
        [],
        NOW,
      ),
    ).rejects.toBeInstanceOf(ContentNotFound);
    await expect(
      createAutomation(
        t.db,
        shopId,
        { ...AUTOMATION_INPUT, schedule: { kind: "cron", expression: "0 0 31 2 *" } },
        [],
        NOW,
      ),
    ).rejects.toMatchObject({ fieldErrors: { schedule: "This cron expression never matches a date" } });
    expect(await t.db.automation.count({ where: { shopId } })).toBe(0);
  });

  test("the queue keeps its order through moves and removals, and refuses topics past its limits", async () => {
    const shopId = await berlinShop();
    const { id } = await createAutomation(t.db, shopId, AUTOMATION_INPUT, ["A", "B", "C", "D"], NOW);
    const order = async () => (await findAutomation(t.db, shopId, id)).topics.map((topic) => topic.topic);
    const idOf = async (name: string) =>
      (await findAutomation(t.db, shopId, id)).topics.find((topic) => topic.topic === name)!.id;

    await moveTopic(t.db, shopId, id, await idOf("D"), 0);
    expect(await order()).toEqual(["D", "A", "B", "C"]);
    await moveTopic(t.db, shopId, id, await idOf("D"), 99);
    expect(await order()).toEqual(["A", "B", "C", "D"]);
    await removeTopic(t.db, shopId, id, await idOf("B"));
    expect(await addTopics(t.db, shopId, id, ["c", "E"])).toEqual({ added: 1, duplicates: 1 });
    expect(await order()).toEqual(["A", "C", "D", "E"]);
    await expect(moveTopic(t.db, shopId, id, "missing", 0)).rejects.toBeInstanceOf(ContentNotFound);

    await expect(addTopics(t.db, shopId, id, ["x".repeat(201)])).rejects.toBeInstanceOf(InvalidContent);
    const many = Array.from({ length: 497 }, (_, i) => `Topic ${i}`);
    await expect(addTopics(t.db, shopId, id, many)).rejects.toMatchObject({
      fieldErrors: { topics: "A queue holds at most 500 waiting topics; 4 are waiting" },
    });
    expect(await order()).toEqual(["A", "C", "D", "E"]);
  });

  test("the run log pages by slot, newest first; deleting the automation removes it", async () => {
    const shopId = await berlinShop();
    const { id } = await createAutomation(t.db, shopId, AUTOMATION_INPUT, [], NOW);
    const slots = ["2026-03-02T08:00:00Z", "2026-03-05T08:00:00Z", "2026-03-09T08:00:00Z"];
    for (const slot of slots)
      await t.db.automationRun.create({
        data: { automationId: id, shopId, slot: new Date(slot), status: "skipped", reason: "test" },
      });
    const first = await listRuns(t.db, shopId, id, { take: 2 });
    expect(first.map((run) => run.slot)).toEqual(["2026-03-09T08:00:00.000Z", "2026-03-05T08:00:00.000Z"]);
    const next = await listRuns(t.db, shopId, id, { before: first[1]!.slot, take: 2 });
    expect(next.map((run) => run.slot)).toEqual(["2026-03-02T08:00:00.000Z"]);
    await expect(listRuns(t.db, shopId, id, { before: "soon" })).rejects.toBeInstanceOf(InvalidContent);

    await deleteAutomation(t.db, shopId, id);
    await expect(findAutomation(t.db, shopId, id)).rejects.toBeInstanceOf(ContentNotFound);
    expect(await t.db.automationRun.count({ where: { automationId: id } })).toBe(0);
  });
});
