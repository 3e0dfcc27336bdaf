// The Automations pages through the real stack (tests/app-harness.ts) on SQLite: the list and the
// automation page's loaders as client-side navigations, their forms posted as the page's fetchers post them
// (a topic file as a multipart upload), their server renders as the admin's iframe loads them, and another
// store's ids answered as ids that never existed, changing nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOMATION_LIMITS } from "../../app/automations/types";
import { startAppHarness, type AppHarness, type ThrownResponse } from "../app-harness";
import { contentStudio, type ContentStudio, type FormFields } from "../content-helpers";

let h: AppHarness;
let studio: ContentStudio;

beforeAll(async () => {
  h = await startAppHarness("sqlite");
  studio = contentStudio(h);
}, 120_000);
afterAll(() => h?.close());

const LIST = "routes/app.automations._index";
const PAGE = "routes/app.automations.$id";

interface PageData {
  automationId: string | null;
  name: string | null;
  status: string | null;
  values: Record<string, string | string[]>;
  scheduleText: string | null;
  next: string | null;
  topics: { id: string; topic: string; runId: string | null }[];
  timeZone: string;
  blogs: { label: string; value: string }[];
  briefs: { label: string; value: string }[];
  polishingReserve: number;
  available: number;
  runs: Record<string, unknown>[];
  newestUrl: string | null;
  olderUrl: string | null;
}

const page = (shop: string, path: string) => h.loaderData<PageData>(shop, path, PAGE);

/** The form as a merchant fills it in for a new automation. */
async function automationForm(shop: string, changes: FormFields = {}): Promise<FormFields> {
  const { values } = await page(shop, "/app/automations/new");
  return { ...values, intent: "save", name: "Winter tips", ...changes } as FormFields;
}

/** Creates an automation through the form; answers its id from the redirect to its page. */
async function create(shop: string, changes: FormFields = {}) {
  const answer = await studio.post(shop, "/app/automations/new", await automationForm(shop, changes));
  const id = /^\/app\/automations\/([^/?#]+)$/.exec(answer.redirect ?? "")?.[1];
  if (answer.status !== 202 || !id) throw new Error(`creating answered ${JSON.stringify(answer)}`);
  return id;
}

/** A multipart upload of a topic list file, as the page's file drop posts it. */
async function uploadTopics(shop: string, id: string, name: string, text: string) {
  const body = new FormData();
  body.set("intent", "add-topics");
  body.set("file", new File([text], name, { type: name.endsWith(".csv") ? "text/csv" : "text/plain" }));
  const encoded = new Response(body);
  return studio.postRaw(
    shop,
    `/app/automations/${id}`,
    await encoded.text(),
    encoded.headers.get("Content-Type")!,
  );
}

const waitingTopics = async (shop: string, id: string) =>
  (await page(shop, `/app/automations/${id}`)).topics.filter((t) => t.runId === null).map((t) => t.topic);

async function documentText(shop: string, path: string) {
  const response = await h.openDocument(shop, path);
  const text = await response.text();
  expect(response.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return text;
}

describe("automation pages on SQLite", () => {
  it("a fresh store sees Automations in the nav, an empty list and a new automation's form with its price", async () => {
    const shop = await h.installStore("auto-empty");
    await expect(h.loaderData(shop, "/app/automations", LIST)).resolves.toEqual({
      timeZone: "Etc/UTC",
      automations: [],
    });
    const form = await page(shop, "/app/automations/new");
    expect(form).toMatchObject({
      automationId: null,
      status: null,
      values: {
        scheduleKind: "daily",
        time: "09:00",
        topicSource: "queue",
        publishMode: "draft",
        maxRunsPerDay: "1",
        monthlyBudget: "20",
        blogId: expect.stringMatching(/^gid:\/\/shopify\/Blog\//),
      },
      blogs: [expect.objectContaining({ value: expect.stringMatching(/^gid:\/\/shopify\/Blog\//) })],
      polishingReserve: 0,
      available: 10,
      runs: [],
    });

    const list = await documentText(shop, "/app/automations");
    expect(list).toContain('href="/app/automations"');
    expect(list).toContain("Write drafts on a schedule");
    const rendered = await documentText(shop, "/app/automations/new");
    expect(rendered).toContain("2 credits per saved draft; failed or skipped runs are free.");
    expect(rendered).toContain("Polishing reserve: 0 credits");
    expect(rendered).toContain("Every day at 09:00");
  });

  it("a wrong form answers 400 naming each field and creates nothing; a good one creates the automation with its topics", async () => {
    const shop = await h.installStore("auto-create");
    const shopId = await studio.shopId(shop);
    const bad = await studio.post(
      shop,
      "/app/automations/new",
      await automationForm(shop, {
        name: "",
        scheduleKind: "weekly",
        days: [],
        monthlyBudget: "1",
        blogId: "gid://shopify/Blog/999999",
      }),
    );
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: "Give the automation a name",
        fieldErrors: {
          name: "Give the automation a name",
          schedule: "Choose at least one day",
          monthlyBudget: "The monthly budget is 2 to 100000",
        },
      },
    });
    // A blog id of the right shape that the store does not have.
    const foreignBlog = await studio.post(
      shop,
      "/app/automations/new",
      await automationForm(shop, { blogId: "gid://shopify/Blog/999999" }),
    );
    expect(foreignBlog).toMatchObject({
      status: 400,
      body: { fieldErrors: { blogId: "Pick one of the store's blogs" } },
    });
    const research = await studio.post(
      shop,
      "/app/automations/new",
      await automationForm(shop, { topicSource: "research", briefId: "no-such-brief" }),
    );
    expect(research).toMatchObject({
      status: 400,
      body: { fieldErrors: { briefId: "Pick one of your briefs" } },
    });
    // A topic list the queue cannot hold: the automation is not created without its topics.
    const tooMany = await studio.post(
      shop,
      "/app/automations/new",
      await automationForm(shop, {
        topics: Array.from({ length: AUTOMATION_LIMITS.topics + 1 }, (_, i) => `Topic ${i}`).join("\n"),
      }),
    );
    expect(tooMany).toMatchObject({
      status: 400,
      body: { fieldErrors: { topics: expect.stringContaining(`at most ${AUTOMATION_LIMITS.topics}`) } },
    });
    const tooLong = await studio.post(
      shop,
      "/app/automations/new",
      await automationForm(shop, { topics: `Fine\n${"x".repeat(AUTOMATION_LIMITS.topic + 1)}` }),
    );
    expect(tooLong).toMatchObject({ status: 400, body: { fieldErrors: { topics: expect.any(String) } } });
    await expect(h.db.automation.count({ where: { shopId } })).resolves.toBe(0);

    const id = await create(shop, {
      scheduleKind: "weekly",
      days: ["1", "4"],
      time: "07:30",
      topics: "Waxing a board at home\nLayering for cold days\nwaxing a board at home",
    });
    const row = await h.db.automation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ shopId, name: "Winter tips", status: "active" });
    expect(row.nextSlotAt!.getTime()).toBeGreaterThan(Date.now());
    expect([1, 4]).toContain(row.nextSlotAt!.getUTCDay());
    expect(row.nextSlotAt!.toISOString()).toMatch(/T07:30:00/);

    const detail = await page(shop, `/app/automations/${id}`);
    expect(detail).toMatchObject({
      automationId: id,
      name: "Winter tips",
      status: "active",
      scheduleText: "Mondays and Thursdays at 07:30",
      next: expect.stringMatching(/7:30/),
      values: { scheduleKind: "weekly", days: ["1", "4"], time: "07:30" },
    });
    expect(detail.topics.map((t) => t.topic)).toEqual(["Waxing a board at home", "Layering for cold days"]);

    const list = await h.loaderData<{ automations: Record<string, unknown>[] }>(
      shop,
      "/app/automations",
      LIST,
    );
    expect(list.automations).toEqual([
      {
        id,
        name: "Winter tips",
        status: "active",
        scheduleText: "Mondays and Thursdays at 07:30",
        next: detail.next,
        lastRun: null,
        spent: 0,
        budget: 20,
        topicsWaiting: 2,
      },
    ]);
    const rendered = await documentText(shop, "/app/automations");
    expect(rendered).toContain("Winter tips");
    expect(rendered).toContain("0 / 20 credits");
  });

  it("saving the form again changes the schedule; pause clears the next run, resume sets it again", async () => {
    const shop = await h.installStore("auto-edit");
    const id = await create(shop);
    const path = `/app/automations/${id}`;
    const { values } = await page(shop, path);
    await expect(
      studio.post(shop, path, { ...values, intent: "save", scheduleKind: "cron", cron: "15 6 * * 1-5" }),
    ).resolves.toMatchObject({ status: 200, body: { saved: true } });
    await expect(page(shop, path)).resolves.toMatchObject({
      scheduleText: "Cron 15 6 * * 1-5",
      values: { scheduleKind: "cron", cron: "15 6 * * 1-5" },
    });
    await expect(
      studio.post(shop, path, { ...values, intent: "save", publishMode: "publish", publishTime: "" }),
    ).resolves.toMatchObject({ status: 400, body: { fieldErrors: { publishTime: expect.any(String) } } });

    await expect(studio.post(shop, path, { intent: "pause" })).resolves.toMatchObject({ status: 200 });
    expect(await page(shop, path)).toMatchObject({ status: "paused", next: null });
    expect((await h.db.automation.findUniqueOrThrow({ where: { id } })).nextSlotAt).toBeNull();
    expect(await documentText(shop, path)).toContain("paused: no runs until it resumes");
    await expect(studio.post(shop, path, { intent: "resume" })).resolves.toMatchObject({ status: 200 });
    expect(await page(shop, path)).toMatchObject({ status: "active", next: expect.any(String) });
    await expect(studio.post(shop, path, { intent: "no-such-intent" })).resolves.toMatchObject({
      status: 400,
    });

    // Topics from a brief's research instead of the queue: the brief must be the shop's own.
    const briefId = await studio.saveBrief(shop);
    await expect(
      studio.post(shop, path, { ...values, intent: "save", topicSource: "research", briefId }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(page(shop, path)).resolves.toMatchObject({
      values: { topicSource: "research", briefId },
      briefs: [{ value: briefId, label: expect.any(String) }],
    });
    expect(await documentText(shop, path)).toContain(
      "Runs take their topics from the brief&#x27;s topic research",
    );
  });

  it("the topic queue: pasted and imported topics are appended without repeats, moved up and down, removed", async () => {
    const shop = await h.installStore("auto-topics");
    const id = await create(shop, { topics: "One" });
    const path = `/app/automations/${id}`;
    await expect(
      studio.post(shop, path, { intent: "add-topics", topics: "Two\none\nThree\n\n" }),
    ).resolves.toMatchObject({ status: 200, body: { added: 2, duplicates: 1 } });
    await expect(
      uploadTopics(shop, id, "topics.csv", "topic,keyword\nFour,a\nTwo,b\n"),
    ).resolves.toMatchObject({
      status: 200,
      body: { added: 1, duplicates: 1 },
    });
    await expect(uploadTopics(shop, id, "more.txt", "Five\nSix\n")).resolves.toMatchObject({
      status: 200,
      body: { added: 2 },
    });
    expect(await waitingTopics(shop, id)).toEqual(["One", "Two", "Three", "Four", "Five", "Six"]);
    await expect(
      uploadTopics(shop, id, "huge.txt", `${"A long topic line\n".repeat(20_000)}`),
    ).resolves.toMatchObject({ status: 413 });

    const topicId = async (topic: string) =>
      (await page(shop, path)).topics.find((t) => t.topic === topic)!.id;
    await expect(
      studio.post(shop, path, { intent: "move-topic", topicId: await topicId("Four"), toIndex: "0" }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(
      studio.post(shop, path, { intent: "move-topic", topicId: await topicId("One"), toIndex: "2" }),
    ).resolves.toMatchObject({ status: 200 });
    expect(await waitingTopics(shop, id)).toEqual(["Four", "Two", "One", "Three", "Five", "Six"]);
    await expect(
      studio.post(shop, path, { intent: "remove-topic", topicId: await topicId("Two") }),
    ).resolves.toMatchObject({ status: 200 });
    expect(await waitingTopics(shop, id)).toEqual(["Four", "One", "Three", "Five", "Six"]);

    for (const fields of [
      { intent: "move-topic", topicId: await topicId("One"), toIndex: "up" },
      { intent: "move-topic", toIndex: "1" },
      { intent: "remove-topic", topicId: "" },
    ] as FormFields[])
      await expect(studio.post(shop, path, fields), JSON.stringify(fields)).resolves.toMatchObject({
        status: 400,
      });
    await expect(
      studio.post(shop, path, { intent: "remove-topic", topicId: "no-such-topic" }),
    ).resolves.toMatchObject({ status: 404 });
    expect(await waitingTopics(shop, id)).toEqual(["Four", "One", "Three", "Five", "Six"]);

    const rendered = await documentText(shop, path);
    expect(rendered).toContain('aria-label="Move &quot;Four&quot; down"');
    expect(rendered).toContain("Import a .csv or .txt file");
  });

  it("the run log shows each slot's outcome with its draft, article, credits and duration, newest first, paged", async () => {
    // Times are the shop's: Berlin is UTC+1 in January.
    const shop = await h.installStore("auto-runs", { timezone: "Europe/Berlin" });
    const shopId = await studio.shopId(shop);
    const id = await create(shop);
    const path = `/app/automations/${id}`;
    const start = Date.UTC(2025, 0, 1, 9);
    const hour = 3_600_000;
    // 24 slots: the newest saved a draft, the one before failed, the one before that was skipped.
    await h.db.automationRun.createMany({
      data: Array.from({ length: 24 }, (_, i) => ({
        automationId: id,
        shopId,
        slot: new Date(start + i * hour),
        status: i === 23 ? "saved" : i === 22 ? "failed" : "skipped",
        reason: i === 23 ? null : i === 22 ? "The AI provider did not answer" : "The topic queue is empty",
        topic: i >= 22 ? `Topic ${i}` : null,
        draftId: i === 23 ? "draft-23" : null,
        articleId: i === 23 ? "gid://shopify/Article/4242" : null,
        credits: i === 23 ? 2 : 0,
        startedAt: i >= 22 ? new Date(start + i * hour) : null,
        finishedAt: i >= 22 ? new Date(start + i * hour + 12_400) : null,
      })),
    });

    const first = await page(shop, path);
    expect(first.runs).toHaveLength(20);
    expect(first.runs[0]).toEqual({
      id: expect.any(String),
      when: "Jan 2, 2025, 9:00 AM",
      status: "saved",
      topic: "Topic 23",
      reason: null,
      draftUrl: "/app/drafts/draft-23",
      articleUrl: expect.stringMatching(/\/content\/articles\/4242$/),
      credits: "2 credits",
      duration: "12 s",
    });
    expect(first.runs[1]).toMatchObject({
      status: "failed",
      reason: "The AI provider did not answer",
      credits: "0 credits",
      draftUrl: null,
    });
    expect(first.runs[2]).toMatchObject({
      status: "skipped",
      reason: "The topic queue is empty",
      duration: null,
    });
    expect(first.newestUrl).toBeNull();
    expect(first.olderUrl).toMatch(/^\/app\/automations\/[^?]+\?before=/);

    const older = await page(shop, first.olderUrl!);
    expect(older.runs).toHaveLength(4);
    expect(older).toMatchObject({ newestUrl: path, olderUrl: null });
    expect(new Set([...first.runs, ...older.runs].map((run) => run.id)).size).toBe(24);
    expect(
      await h.navigate(shop, `${path}?before=not-a-date`).then(({ results }) => results[PAGE]),
    ).toMatchObject({ error: { status: 400 } });

    const rendered = await documentText(shop, path);
    expect(rendered).toContain("Open the draft");
    expect(rendered).toContain("Article in Shopify");
    expect(rendered).toContain("The AI provider did not answer");
    await expect(h.loaderData(shop, "/app/automations", LIST)).resolves.toMatchObject({
      timeZone: "Europe/Berlin",
      automations: [{ id, lastRun: { status: "saved", when: "Jan 2, 2025, 9:00 AM" } }],
    });
  });

  it("another store's automation answers 404 on the page and every form, and changes nothing; delete removes it", async () => {
    const owner = await h.installStore("auto-owner");
    const other = await h.installStore("auto-other");
    const id = await create(owner, { topics: "Kept" });
    const path = `/app/automations/${id}`;
    const before = await h.db.automation.findUniqueOrThrow({ where: { id }, include: { topics: true } });
    const { values } = await page(owner, path);
    const topicId = before.topics[0]!.id;

    for (const target of [path, "/app/automations/no-such-automation"]) {
      const { results } = await h.navigate(other, target);
      expect((results[PAGE] as { error: ThrownResponse }).error, target).toMatchObject({ status: 404 });
    }
    for (const fields of [
      { ...values, intent: "save", name: "Taken over" },
      { intent: "pause" },
      { intent: "delete" },
      { intent: "add-topics", topics: "Injected" },
      { intent: "move-topic", topicId, toIndex: "0" },
      { intent: "remove-topic", topicId },
    ] as FormFields[])
      await expect(studio.post(other, path, fields), String(fields.intent)).resolves.toMatchObject({
        status: 404,
      });
    await expect(
      h.db.automation.findUniqueOrThrow({ where: { id }, include: { topics: true } }),
    ).resolves.toEqual(before);
    const document = await h.openDocument(other, path);
    expect(document.status).toBe(404);
    await document.text();

    await expect(studio.post(owner, path, { intent: "delete" })).resolves.toMatchObject({
      status: 202,
      redirect: "/app/automations",
    });
    await expect(h.db.automation.count({ where: { id } })).resolves.toBe(0);
    await expect(h.db.automationTopic.count({ where: { automationId: id } })).resolves.toBe(0);
  });
});
