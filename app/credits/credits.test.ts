// The one spending use case on both engines, with the real providers: the offline writer, and the
// OpenAI-compatible one against our fake server (the network edge). Every test checks the credits.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeAi, type FakeAi } from "../../tests/fake-ai-server";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, rowCounts } from "../../tests/ledger-fixtures";
import { offlineWriter } from "../ai/offline-writer.server";
import { openAiCompatible } from "../ai/openai-compatible.server";
import type { AiProvider, BriefFields } from "../ai/provider";
import { saveBrief } from "../content/briefs.server";
import { writeVersion } from "../content/drafts.server";
import { ContentNotFound, InvalidContent } from "../content/errors";
import { getBalance } from "../ledger/balance.server";
import { checkInvariants } from "../ledger/check-invariants.server";
import { InsufficientCredits } from "../ledger/errors";
import { sweep } from "../ledger/sweep.server";
import { startJobQueue } from "../jobs/queue.server";
import type { JobRequest } from "./job-request";
import { readJob } from "./read-jobs.server";
import {
  ArticleNotSaved,
  JOB_LEASE_MS,
  runJob,
  type SaveArticle,
  type SaveArticleInput,
} from "./run-job.server";
import { JOB_RESERVATION_MS, submitJob } from "./submit-job.server";

const BRIEF: BriefFields = {
  topic: "Brewing pour-over coffee at home",
  audience: "home baristas",
  tone: "friendly",
  keywords: ["pour-over coffee"],
  length: "short",
  language: "en",
  products: [
    {
      id: "gid://shopify/Product/1",
      title: "Ceramic Dripper",
      handle: "ceramic-dripper",
      url: "https://coffee.example/products/ceramic-dripper",
      description: "A ceramic cone dripper.",
    },
  ],
};

/** The offline writer, counting the provider calls it answers (a re-run must not repeat finished work). */
function counting(provider: AiProvider) {
  const calls: string[] = [];
  const counted: AiProvider = {
    kind: provider.kind,
    label: provider.label,
    researchTopics: (...args) => (calls.push("research"), provider.researchTopics(...args)),
    writeDraft: (...args) => (calls.push("draft"), provider.writeDraft(...args)),
    rewrite: (...args) => (calls.push("rewrite"), provider.rewrite(...args)),
    drawCover: (...args) => (calls.push("cover"), provider.drawCover(...args)),
  };
  return { provider: counted, calls };
}

let keys = 0;
const key = () => `submit-${++keys}`;

describe.each(ENGINES)("spending credits on %s", (engine) => {
  let t: TestDb;
  let fake: FakeAi;
  beforeAll(async () => {
    t = await createTestDb(engine);
    fake = await startFakeAi();
  });
  afterAll(async () => {
    await fake.close();
    await t.drop();
  });

  /** A fresh shop (its first paid submit grants Free's 10 credits) with one brief. */
  async function shopWithBrief() {
    const shop = await createShop(t.db);
    const brief = await saveBrief(t.db, shop.id, BRIEF);
    return { shopId: shop.id, briefId: brief.id };
  }

  async function spend(shopId: string, request: JobRequest, provider: AiProvider = offlineWriter()) {
    const { job } = await submitJob(t.db, { shopId, idempotencyKey: key(), actor: "user:42", request });
    await runJob(t.db, provider, job.id);
    return readJob(t.db, shopId, job.id);
  }

  const available = async (shopId: string) => (await getBalance(t.db, shopId)).available;
  const debits = (shopId: string) =>
    t.db.ledgerEntry.findMany({ where: { shopId, type: "debit" }, orderBy: { id: "asc" } });

  test("each action spends its price once, on an entry naming the draft and the staff member", async () => {
    const { shopId, briefId } = await shopWithBrief();

    const research = await spend(shopId, { kind: "topic.research", briefId });
    expect(research.status).toBe("succeeded");
    expect(research.ideas!.length).toBeGreaterThanOrEqual(3);
    // Research is free: no cycle, no hold, no entry.
    expect(await rowCounts(t.db, shopId)).toMatchObject({ reservations: 0, entries: 0 });

    const draft = await spend(shopId, { kind: "draft.generate", briefId, withCover: true });
    expect(draft).toMatchObject({ status: "succeeded", credits: 3 });
    const draftId = draft.draftId!;
    expect(await available(shopId)).toBe(7);
    expect(await t.db.cover.count({ where: { draftId } })).toBe(1);

    const rewrite = await spend(shopId, {
      kind: "draft.rewrite",
      draftId,
      baseVersion: 1,
      instruction: "Make it shorter",
      selection: null,
    });
    expect(rewrite.status).toBe("succeeded");
    expect(await available(shopId)).toBe(6);

    expect((await spend(shopId, { kind: "draft.regenerate", draftId, brief: null })).status).toBe(
      "succeeded",
    );
    expect(await available(shopId)).toBe(4);
    expect((await spend(shopId, { kind: "cover.generate", draftId })).status).toBe("succeeded");
    expect(await available(shopId)).toBe(3);

    expect((await debits(shopId)).map((e) => [e.action, e.credits, e.reference, e.actor])).toEqual([
      ["draft.generate+cover.generate", -3, draftId, "user:42"],
      ["draft.rewrite", -1, draftId, "user:42"],
      ["draft.regenerate", -2, draftId, "user:42"],
      ["cover.generate", -1, draftId, "user:42"],
    ]);
    const versions = await t.db.draftVersion.findMany({ where: { draftId }, orderBy: { number: "asc" } });
    expect(versions.map((v) => v.source)).toEqual(["generate", "rewrite", "regenerate"]);
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
  });

  test("the same submit key, sent again or at once, is one job, one hold and one debit", async () => {
    const { shopId, briefId } = await shopWithBrief();
    const request: JobRequest = { kind: "draft.generate", briefId, withCover: false };
    const submit = () =>
      submitJob(t.db, { shopId, idempotencyKey: "double-click", actor: "user:1", request });
    const results = await Promise.all([submit(), submit(), submit()]);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed).length).toBe(1);
    const again = await submit();
    expect(again).toMatchObject({ replayed: true, job: { id: results[0]!.job.id } });

    await Promise.all([
      runJob(t.db, offlineWriter(), again.job.id),
      runJob(t.db, offlineWriter(), again.job.id),
    ]);
    expect(await submit()).toMatchObject({ replayed: true, job: { status: "succeeded" } });
    expect(await rowCounts(t.db, shopId)).toMatchObject({ reservations: 1 });
    expect((await debits(shopId)).length).toBe(1);
    expect(await t.db.draft.count({ where: { shopId } })).toBe(1);
    expect(await available(shopId)).toBe(8);
  });

  test("a short balance is refused at submit and leaves no job, hold or entry", async () => {
    const { shopId, briefId } = await shopWithBrief();
    for (let i = 0; i < 3; i++) await spend(shopId, { kind: "draft.generate", briefId, withCover: true });
    expect(await available(shopId)).toBe(1);
    const before = await rowCounts(t.db, shopId);
    const jobs = await t.db.job.count({ where: { shopId } });
    await expect(
      submitJob(t.db, {
        shopId,
        idempotencyKey: key(),
        actor: "user:1",
        request: { kind: "draft.generate", briefId, withCover: false },
      }),
    ).rejects.toBeInstanceOf(InsufficientCredits);
    expect(await rowCounts(t.db, shopId)).toEqual(before);
    expect(await t.db.job.count({ where: { shopId } })).toBe(jobs);
  });

  test("another shop's brief or draft is not found, and bad requests write nothing", async () => {
    const mine = await shopWithBrief();
    const other = await shopWithBrief();
    const theirs = await spend(other.shopId, {
      kind: "draft.generate",
      briefId: other.briefId,
      withCover: false,
    });
    const submit = (request: JobRequest, idempotencyKey = key()) =>
      submitJob(t.db, { shopId: mine.shopId, idempotencyKey, actor: "user:1", request });

    await expect(
      submit({ kind: "draft.generate", briefId: other.briefId, withCover: false }),
    ).rejects.toBeInstanceOf(ContentNotFound);
    await expect(submit({ kind: "cover.generate", draftId: theirs.draftId! })).rejects.toBeInstanceOf(
      ContentNotFound,
    );
    await expect(readJob(t.db, mine.shopId, theirs.id)).rejects.toBeInstanceOf(ContentNotFound);
    await expect(
      submit({ kind: "draft.rewrite", draftId: "nope", baseVersion: 1, instruction: "   ", selection: null }),
    ).rejects.toBeInstanceOf(InvalidContent);
    await expect(
      submit({ kind: "draft.generate", briefId: mine.briefId, withCover: false }, "bad key with spaces"),
    ).rejects.toBeInstanceOf(InvalidContent);
    expect(await t.db.job.count({ where: { shopId: mine.shopId } })).toBe(0);
    expect(await rowCounts(t.db, mine.shopId)).toMatchObject({ reservations: 0, entries: 0 });
  });

  describe("the OpenAI-compatible provider against our fake server", () => {
    const provider = (timeoutMs = 2_000, maxRetries = 1) =>
      openAiCompatible({
        baseURL: fake.url,
        apiKey: "sk-test",
        textModel: "test-model",
        imageModel: null,
        timeoutMs,
        maxRetries,
      });

    // A failure says nothing was charged; one a later call may get past also says to try again.
    test.each([
      ["ok", ["ok"], "succeeded", 8, null],
      ["429 then success", ["rate_limited", "ok"], "succeeded", 8, null],
      [
        "500",
        ["server_error", "server_error"],
        "failed",
        10,
        /^The AI service had a problem\. Nothing was charged\. Try again in a minute\.$/,
      ],
      [
        "a timeout",
        ["hang", "hang"],
        "failed",
        10,
        /^The AI service took too long to answer\. Nothing was charged\. Try again/,
      ],
      ["malformed JSON", ["malformed"], "failed", 10, /unexpected form .*\. Nothing was charged\. Try again/],
      ["a refusal", ["refusal"], "failed", 10, /^[^]*Nothing was charged\.$/],
    ] as const)("%s → the job %s", async (_name, steps, status, balance, error) => {
      const { shopId, briefId } = await shopWithBrief();
      fake.script(...steps);
      const job = await spend(shopId, { kind: "draft.generate", briefId, withCover: false }, provider(500));
      expect(job.status).toBe(status);
      if (error) expect(job.error).toMatch(error);
      expect(await available(shopId)).toBe(balance);
      expect(await getBalance(t.db, shopId)).toMatchObject({ held: 0 });
      const reservation = await t.db.reservation.findFirstOrThrow({ where: { shopId } });
      expect(reservation.status).toBe(status === "succeeded" ? "captured" : "released");
      expect(await t.db.draft.count({ where: { shopId } })).toBe(status === "succeeded" ? 1 : 0);
      expect(await checkInvariants(t.db, shopId)).toEqual([]);
    });
  });

  test("a draft + cover whose cover fails is not written and costs nothing", async () => {
    const { shopId, briefId } = await shopWithBrief();
    const failingCover: AiProvider = {
      ...offlineWriter(),
      drawCover: () => Promise.reject(new (class extends Error {})("boom")),
    };
    const job = await spend(shopId, { kind: "draft.generate", briefId, withCover: true }, failingCover);
    expect(job).toMatchObject({ status: "failed", error: expect.stringMatching(/Nothing was charged/) });
    expect(await available(shopId)).toBe(10);
    expect(await t.db.draft.count({ where: { shopId } })).toBe(0);
  });

  test("a runner that died is replaced once its lease ends, and finished work is not redone or charged twice", async () => {
    const { shopId, briefId } = await shopWithBrief();
    const { job } = await submitJob(t.db, {
      shopId,
      idempotencyKey: key(),
      actor: "user:1",
      request: { kind: "draft.generate", briefId, withCover: false },
    });
    // The first runner claimed it, wrote the version, and died before capturing.
    const started = new Date();
    await t.db.job.update({
      where: { id: job.id },
      data: { status: "running", attempts: 1, leaseUntil: new Date(started.getTime() + JOB_LEASE_MS) },
    });
    await writeVersion(t.db, {
      shopId,
      draftId: job.draftId!,
      briefId,
      source: "generate",
      jobId: job.id,
      actor: "user:1",
      brief: BRIEF,
      content: await offlineWriter().writeDraft(BRIEF),
    });
    const { provider, calls } = counting(offlineWriter());
    // Within the lease nobody else may run it.
    await runJob(t.db, provider, job.id);
    expect((await readJob(t.db, shopId, job.id)).status).toBe("running");

    const later = () => new Date(started.getTime() + JOB_LEASE_MS + 1_000);
    await runJob(t.db, provider, job.id, { now: later });
    expect(calls).toEqual([]);
    expect(await readJob(t.db, shopId, job.id)).toMatchObject({ status: "succeeded" });
    expect((await debits(shopId)).length).toBe(1);
    expect(await t.db.draftVersion.count({ where: { draftId: job.draftId! } })).toBe(1);
    expect(await available(shopId)).toBe(8);
  });

  test("a job whose hold was swept, or that stopped twice, fails and costs nothing", async () => {
    const { shopId, briefId } = await shopWithBrief();
    const submit = () =>
      submitJob(t.db, {
        shopId,
        idempotencyKey: key(),
        actor: "user:1",
        request: { kind: "draft.generate", briefId, withCover: false },
      });
    const swept = (await submit()).job;
    const afterTimeout = new Date(Date.now() + JOB_RESERVATION_MS + 1_000);
    await sweep(t.db, afterTimeout);
    await runJob(t.db, offlineWriter(), swept.id, { now: () => afterTimeout });
    expect(await readJob(t.db, shopId, swept.id)).toMatchObject({ status: "failed" });

    const crashed = (await submit()).job;
    await t.db.job.update({
      where: { id: crashed.id },
      data: { status: "running", attempts: 2, leaseUntil: new Date(Date.now() - 1) },
    });
    await runJob(t.db, offlineWriter(), crashed.id);
    expect(await readJob(t.db, shopId, crashed.id)).toMatchObject({ status: "failed" });
    expect(await t.db.draft.count({ where: { shopId } })).toBe(0);
    expect(await available(shopId)).toBe(10);
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
  });

  describe("automation.run: a draft saved to the store's blog without anyone at the page", () => {
    const BLOG = "gid://shopify/Blog/7";
    const runRequest = (
      publishAt: string | null = null,
    ): Extract<JobRequest, { kind: "automation.run" }> => ({
      kind: "automation.run",
      brief: BRIEF,
      blogId: BLOG,
      publishAt,
      automationId: "a1",
      runId: "r1",
    });
    /** A stand-in for the Shopify side, recording what it was asked to save. */
    function saver(fail?: string) {
      const saved: SaveArticleInput[] = [];
      const saveArticle: SaveArticle = async (input) => {
        if (fail) throw new ArticleNotSaved(fail);
        saved.push(input);
        return { articleId: `gid://shopify/Article/${saved.length}`, adminUrl: "https://admin.example/a" };
      };
      return { saved, saveArticle };
    }
    const submitRun = (shopId: string, request = runRequest(), keep?: number) =>
      submitJob(t.db, { shopId, idempotencyKey: key(), actor: "automation:a1", request, keep });

    test("captures 2 credits once Shopify has the article, and names the automation on the debit", async () => {
      const { shopId } = await shopWithBrief();
      const { job } = await submitRun(shopId, runRequest("2026-12-24T09:00:00.000Z"));
      const { saved, saveArticle } = saver();
      const finished: string[] = [];
      await runJob(t.db, offlineWriter(), job.id, {
        saveArticle,
        onFinished: async (row) => void finished.push(`${row.id}:${row.status}`),
      });
      const done = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(done.status).toBe("succeeded");
      expect(JSON.parse(done.result!)).toEqual({
        version: 1,
        articleId: "gid://shopify/Article/1",
        adminUrl: "https://admin.example/a",
      });
      expect(saved).toEqual([
        { shopId, draftId: job.draftId, blogId: BLOG, publishAt: new Date("2026-12-24T09:00:00.000Z") },
      ]);
      expect(finished).toEqual([`${job.id}:succeeded`]);
      expect((await debits(shopId)).map((e) => [e.action, e.credits, e.actor, e.reference])).toEqual([
        ["automation.run", -2, "automation:a1", job.draftId],
      ]);
      expect(await available(shopId)).toBe(8);
    });

    test("a Shopify failure, a missing Shopify side or a crash is free, and a crashed run is not run again", async () => {
      const { shopId } = await shopWithBrief();
      const refused = (await submitRun(shopId)).job;
      await runJob(t.db, offlineWriter(), refused.id, { saveArticle: saver("Shopify said no").saveArticle });
      expect(await readJob(t.db, shopId, refused.id)).toMatchObject({
        status: "failed",
        error: "Shopify said no",
      });

      const nowhere = (await submitRun(shopId)).job;
      await runJob(t.db, offlineWriter(), nowhere.id);
      expect((await readJob(t.db, shopId, nowhere.id)).status).toBe("failed");

      const crashed = (await submitRun(shopId)).job;
      await t.db.job.update({
        where: { id: crashed.id },
        data: { status: "running", attempts: 1, leaseUntil: new Date(Date.now() - 1) },
      });
      const { saved, saveArticle } = saver();
      await runJob(t.db, offlineWriter(), crashed.id, { saveArticle });
      expect(await readJob(t.db, shopId, crashed.id)).toMatchObject({
        status: "failed",
        error: expect.stringContaining("The app stopped during this run"),
      });
      expect(saved).toEqual([]);
      expect(await debits(shopId)).toEqual([]);
      expect(await available(shopId)).toBe(10);
      expect(await t.db.reservation.count({ where: { shopId, status: "pending" } })).toBe(0);
      expect(await checkInvariants(t.db, shopId)).toEqual([]);
    });

    test("the polishing reserve is kept back at submit, and bad requests write nothing", async () => {
      const { shopId } = await shopWithBrief();
      await expect(submitRun(shopId, runRequest(), 9)).rejects.toMatchObject({
        name: "InsufficientCredits",
        required: 11,
        available: 10,
      });
      expect(await t.db.job.count({ where: { shopId } })).toBe(0);
      await expect(submitRun(shopId, { ...runRequest(), blogId: "gid://shopify/Product/1" })).rejects.toThrow(
        InvalidContent,
      );
      await expect(submitRun(shopId, { ...runRequest(), brief: { ...BRIEF, topic: " " } })).rejects.toThrow(
        InvalidContent,
      );
      await expect(submitRun(shopId, runRequest("next tuesday"))).rejects.toThrow(InvalidContent);
      expect(await rowCounts(t.db, shopId)).toMatchObject({ reservations: 0 });
      const { job } = await submitRun(shopId, runRequest(), 8);
      expect(job.credits).toBe(2);
      expect(await available(shopId)).toBe(8);
    });
  });

  test("the engine's queue runs a submitted job, and recovery runs one that was never handed over", async () => {
    const { shopId, briefId } = await shopWithBrief();
    const ran: string[] = [];
    const queue = await startJobQueue(
      t.db,
      t.url,
      async (jobId) => {
        ran.push(jobId);
        await runJob(t.db, offlineWriter(), jobId);
      },
      { recoverEveryMs: 200 },
    );
    try {
      const { job } = await submitJob(
        t.db,
        { shopId, idempotencyKey: key(), actor: "user:1", request: { kind: "topic.research", briefId } },
        { queue },
      );
      // Never handed to the queue (as if the process died right after writing it), and old enough to recover.
      const stranded = await t.db.job.create({
        data: {
          shopId,
          idempotencyKey: key(),
          kind: "topic.research",
          actions: "topic.research",
          credits: 0,
          fingerprint: "stranded",
          status: "queued",
          actor: "user:1",
          briefId,
          input: JSON.stringify({ kind: "topic.research", briefId }),
          createdAt: new Date(Date.now() - 60_000),
        },
      });
      await expect
        .poll(async () => (await readJob(t.db, shopId, job.id)).status, { timeout: 15_000 })
        .toBe("succeeded");
      await expect
        .poll(async () => (await readJob(t.db, shopId, stranded.id)).status, { timeout: 15_000 })
        .toBe("succeeded");
      expect(ran).toEqual(expect.arrayContaining([job.id, stranded.id]));
    } finally {
      await queue.stop();
    }
  });
});
