// Automations running in the app as it starts (entry.server.tsx): the scheduler's timer (AUTOMATION_TICK_MS)
// takes a due slot, the job queue writes the draft with the offline writer and saves it to the emulator's
// blog, and the run log, the ledger and the store agree. SQLite, as `npm run dev` runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTopics } from "../../app/automations/automations.server";
import { startAppHarness, type AppHarness } from "../app-harness";
import { contentStudio, type ContentStudio, type FormFields } from "../content-helpers";

let h: AppHarness;
let studio: ContentStudio;

beforeAll(async () => {
  h = await startAppHarness("sqlite", { env: { AUTOMATION_TICK_MS: "300" } });
  studio = contentStudio(h);
}, 120_000);
afterAll(() => h?.close());

const PAGE = "routes/app.automations.$id";

/** Creates an automation through its form; answers its id from the redirect to its page. */
async function create(shop: string, changes: FormFields = {}) {
  const { values } = await h.loaderData<{ values: FormFields }>(shop, "/app/automations/new", PAGE);
  const answer = await studio.post(shop, "/app/automations/new", {
    ...values,
    intent: "save",
    name: "Winter tips",
    ...changes,
  });
  const id = /^\/app\/automations\/([^/?#]+)$/.exec(answer.redirect ?? "")?.[1];
  if (answer.status !== 202 || !id) throw new Error(`creating answered ${JSON.stringify(answer)}`);
  return id;
}

/** The automation's runs once none is queued or running any more (the app's timer and queue at work). */
async function settledRuns(automationId: string, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await h.db.automationRun.findMany({ where: { automationId }, orderBy: { slot: "asc" } });
    if (runs.length >= count && runs.every((run) => !["queued", "running"].includes(run.status))) return runs;
    if (Date.now() > deadline) throw new Error(`runs did not settle: ${JSON.stringify(runs)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Makes the automation's next slot due a minute ago, as if its time had come. */
async function makeDue(automationId: string) {
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  await h.appDb.automation.update({ where: { id: automationId }, data: { nextSlotAt: slot } });
  return slot;
}

describe("automation runs in the running app on SQLite", () => {
  it("a due slot saves one draft to the store's blog and charges 2 credits once, named after the automation", async () => {
    const shop = await h.installStore("auto-run");
    const { id: shopId } = await h.shopRow(shop);
    const id = await create(shop);
    await addTopics(h.appDb, shopId, id, ["Waxing your skis at home"]);
    const slot = await makeDue(id);

    const [run, ...others] = await settledRuns(id, 1);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ slot, status: "saved", credits: 2, topic: "Waxing your skis at home" });
    const articles = h.emulator.shop(shop).articles();
    expect(articles.map((article) => `gid://shopify/Article/${article.id}`)).toEqual([run!.articleId]);
    expect(articles[0]).toMatchObject({ isPublished: false });
    const debits = await h.db.ledgerEntry.findMany({ where: { shopId, type: "debit" } });
    expect(debits.map((entry) => [entry.action, entry.credits, entry.actor])).toEqual([
      ["automation.run", -2, `automation:${id}`],
    ]);

    // More ticks come and go: the slot stays one run, one article, one debit.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await h.db.automationRun.count({ where: { automationId: id } })).toBe(1);
    expect(h.emulator.shop(shop).articles()).toHaveLength(1);
    expect(await h.db.ledgerEntry.count({ where: { shopId, type: "debit" } })).toBe(1);
  });

  it("a slot with an empty queue is logged as skipped, and costs nothing", async () => {
    const shop = await h.installStore("auto-empty");
    const { id: shopId } = await h.shopRow(shop);
    const id = await create(shop);
    await makeDue(id);
    const [run] = await settledRuns(id, 1);
    expect(run).toMatchObject({
      status: "skipped",
      reason: "The topic queue is empty: add topics to keep this automation running.",
      credits: 0,
    });
    expect(await h.db.ledgerEntry.count({ where: { shopId, type: "debit" } })).toBe(0);
    expect(h.emulator.shop(shop).articles()).toEqual([]);
  });
});
