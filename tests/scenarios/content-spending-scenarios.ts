// What the content studio's AI actions cost, end to end: the brief and draft pages' forms posted over HTTP
// to the app behind Remix's request handler (tests/app-harness.ts), each job followed as the page polls it
// until the job queue has run it with the offline writer, then the ledger read back. Run once per engine
// (content-spending.<engine>.test.ts); every scenario ends with the ledger's invariants checked.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { startAppHarness, type AppHarness } from "../app-harness";
import { startFakeAi, type FakeAi } from "../fake-ai-server";
import {
  BRIEF_FORM,
  contentStudio,
  submitKey,
  type ContentStudio,
  type FormAnswer,
} from "../content-helpers";

/** Who spends: the emulator's session tokens name staff member 1 (`sub`). */
const STAFF = "user:1";

/**
 * The app on a fresh database (its settings beyond the test defaults from `env`), a content studio client,
 * and the ledger's invariants checked for every store a scenario installed, after it.
 */
function studioSuite(engine: Engine, env: () => Promise<Record<string, string>> | Record<string, string>) {
  let harness: AppHarness | undefined;
  let client: ContentStudio | undefined;
  const stores: string[] = [];
  beforeAll(async () => {
    harness = await startAppHarness(engine, { env: await env() });
    client = contentStudio(harness);
  }, 120_000);
  afterAll(() => harness?.close());
  afterEach(async () => {
    for (const store of stores.splice(0))
      expect(await checkInvariants(harness!.db, await client!.shopId(store)), store).toEqual([]);
  });
  return {
    get h() {
      if (!harness) throw new Error("the app did not start (beforeAll failed?)");
      return harness;
    },
    get studio() {
      if (!client) throw new Error("the app did not start (beforeAll failed?)");
      return client;
    },
    /** A store of the scenario's own, freshly installed: Free, 10 credits. */
    async newStore() {
      const store = await this.h.installStore("content");
      stores.push(store);
      return store;
    },
  };
}

export function contentSpendingScenarios(engine: Engine) {
  describe(`content spending through HTTP on ${engine}`, () => {
    const suite = studioSuite(engine, () => ({ LOG_LEVEL: "warning" }));
    const newStore = () => suite.newStore();
    let h: AppHarness;
    let studio: ContentStudio;
    beforeAll(() => {
      ({ h, studio } = suite);
    });

    /**
     * Runs one paid form to the end and answers what it cost: the balance's drop and the debits it wrote.
     * The job must succeed.
     */
    async function spend(store: string, submitted: () => Promise<FormAnswer>) {
      const before = await studio.available(store);
      const debitsBefore = (await studio.entries(store, "debit")).length;
      const job = await studio.runToEnd(submitted(), store);
      expect(job, JSON.stringify(job)).toMatchObject({ status: "succeeded", error: null });
      const debits = (await studio.entries(store, "debit")).slice(debitsBefore);
      return { job, spent: before - (await studio.available(store)), debits };
    }

    /** The one debit a paid action wrote: its price, on the draft, by the staff member who clicked. */
    function expectOneDebit(
      { spent, debits }: Awaited<ReturnType<typeof spend>>,
      price: number,
      action: string,
      draftId: string,
    ) {
      expect(spent).toBe(price);
      expect(debits).toHaveLength(1);
      expect(debits[0]).toMatchObject({ credits: -price, action, reference: draftId, actor: STAFF });
    }

    const draftRow = (draftId: string) => h.db.draft.findUniqueOrThrow({ where: { id: draftId } });

    test("topic research is free: its ideas come back and the balance and ledger are unchanged", async () => {
      const store = await newStore();
      const briefId = await studio.saveBrief(store);
      const before = await studio.rows(store);
      const job = await studio.runToEnd(studio.research(store, briefId), store);
      expect(job).toMatchObject({ status: "succeeded", kind: "topic.research", credits: 0, briefId });
      expect(job.ideas?.length).toBeGreaterThanOrEqual(3);
      const after = await studio.rows(store);
      expect(after.balance).toEqual(before.balance);
      expect(after.ledgerEntries).toEqual(before.ledgerEntries);
      expect(after.reservations).toEqual([]);
      expect(after.drafts).toEqual([]);
      expect(await studio.available(store)).toBe(10);
    });

    test("a draft costs 2: one debit on the new draft, by the staff member", async () => {
      const store = await newStore();
      const briefId = await studio.saveBrief(store);
      const spent = await spend(store, () => studio.generate(store, briefId, false));
      const draftId = spent.job.draftId!;
      expectOneDebit(spent, 2, "draft.generate", draftId);
      expect(await draftRow(draftId)).toMatchObject({ currentVersion: 1, coverId: null, briefId });
      expect(await studio.available(store)).toBe(8);
    });

    test("a draft with a cover costs 3: one reservation, one debit, the draft has its cover", async () => {
      const store = await newStore();
      const briefId = await studio.saveBrief(store);
      const spent = await spend(store, () => studio.generate(store, briefId, true));
      const draftId = spent.job.draftId!;
      expectOneDebit(spent, 3, "draft.generate+cover.generate", draftId);
      expect((await draftRow(draftId)).coverId).toEqual(expect.any(String));
      expect((await studio.rows(store)).reservations).toMatchObject([{ credits: 3, status: "captured" }]);
      expect(await studio.available(store)).toBe(7);
    });

    test.each([
      {
        name: "regenerating",
        price: 2,
        action: "draft.regenerate",
        submit: (store: string, draftId: string) => studio.regenerate(store, draftId),
      },
      {
        name: "an AI rewrite",
        price: 1,
        action: "draft.rewrite",
        submit: (store: string, draftId: string) =>
          studio.rewrite(store, draftId, { baseVersion: 1, instruction: "shorter" }),
      },
    ])("$name costs $price and writes the draft's next version", async ({ price, action, submit }) => {
      const store = await newStore();
      const { draftId } = await studio.firstDraft(store);
      const spent = await spend(store, () => submit(store, draftId));
      expect(spent.job).toMatchObject({ kind: action, draftId });
      expectOneDebit(spent, price, action, draftId);
      expect((await draftRow(draftId)).currentVersion).toBe(2);
      expect(await studio.available(store)).toBe(10 - 2 - price);
    });

    test("a cover for an existing draft costs 1 and attaches the image", async () => {
      const store = await newStore();
      const { draftId } = await studio.firstDraft(store);
      const spent = await spend(store, () => studio.cover(store, draftId));
      expect(spent.job).toMatchObject({ kind: "cover.generate", draftId });
      expectOneDebit(spent, 1, "cover.generate", draftId);
      const { coverId } = await draftRow(draftId);
      expect(coverId).toEqual(expect.any(String));
      // The image Shopify will download for the article.
      const png = await fetch(`${h.appUrl}/covers/${coverId}.png`);
      expect(png.status).toBe(200);
      expect(png.headers.get("Content-Type")).toBe("image/png");
      expect(
        Buffer.from(await png.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
      expect(await studio.available(store)).toBe(10 - 2 - 1);
    });

    test("20 parallel 'draft + cover' submits on 10 credits: 3 run, 17 get 402 and write nothing", async () => {
      const store = await newStore();
      const briefId = await studio.saveBrief(store);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => studio.generate(store, briefId, true)),
      );
      const accepted = answers.filter((answer) => answer.status === 200);
      const refused = answers.filter((answer) => answer.status === 402);
      expect(accepted).toHaveLength(3);
      expect(refused).toHaveLength(17);
      for (const answer of refused) {
        expect(answer.body).toMatchObject({
          code: "insufficient_credits",
          required: 3,
          available: expect.any(Number),
          error: expect.stringMatching(/credits/i),
        });
        expect(answer.body.available as number).toBeLessThan(3);
      }
      const jobs = await Promise.all(
        accepted.map((answer) => studio.waitForJob(store, studio.jobIdOf(answer))),
      );
      expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded", "succeeded"]);

      expect(await studio.available(store)).toBe(1);
      const debits = await studio.entries(store, "debit");
      expect(debits.map((debit) => debit.credits)).toEqual([-3, -3, -3]);
      const rows = await studio.rows(store);
      // Only the three accepted submits left rows behind.
      expect(rows.jobs.map((job) => job.id).sort()).toEqual(jobs.map((job) => job.id).sort());
      expect(rows.drafts.map((draft) => draft.id).sort()).toEqual(jobs.map((job) => job.draftId).sort());
      expect(rows.reservations).toHaveLength(3);
      expect(rows.reservations.every((reservation) => reservation.status === "captured")).toBe(true);
      expect(rows.balance).toEqual({ posted: 1, held: 0 });
    });

    test("the same submit sent again, also concurrently, is one job, one reservation, one debit, one draft", async () => {
      const store = await newStore();
      const briefId = await studio.saveBrief(store);
      const key = submitKey();
      const first = await Promise.all([1, 2, 3].map(() => studio.generate(store, briefId, true, key)));
      const jobIds = new Set(first.map((answer) => studio.jobIdOf(answer)));
      expect(jobIds.size).toBe(1);
      const [jobId] = [...jobIds];
      expect(await studio.waitForJob(store, jobId!)).toMatchObject({ status: "succeeded" });
      // A retry after it finished (the answer was lost) still finds the same job and charges nothing more.
      expect(studio.jobIdOf(await studio.generate(store, briefId, true, key))).toBe(jobId);
      // The same key on another request is a conflict, not a second job.
      const conflict = await studio.generate(store, briefId, false, key);
      expect(conflict).toMatchObject({ status: 409, body: { error: expect.any(String) } });

      const rows = await studio.rows(store);
      expect(rows.jobs).toHaveLength(1);
      expect(rows.reservations).toHaveLength(1);
      expect(rows.drafts).toHaveLength(1);
      expect(rows.ledgerEntries.filter((entry) => entry.type === "debit")).toMatchObject([{ credits: -3 }]);
      expect(await studio.available(store)).toBe(7);
    });

    describe("bad input gets a clear 4xx and changes nothing", () => {
      /** Runs `attempt` and checks that nothing the shop holds changed. */
      async function changesNothing(store: string, attempt: () => Promise<void>) {
        const before = await studio.rows(store);
        await attempt();
        // A job the bad request started would be running now: give the queue a moment to show it.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await studio.rows(store)).toEqual(before);
      }

      const expectFieldError = (answer: FormAnswer, ...fields: string[]) => {
        expect(answer, JSON.stringify(answer)).toMatchObject({
          status: 400,
          body: { error: expect.any(String), fieldErrors: expect.any(Object) },
        });
        const named = Object.keys(answer.body.fieldErrors as object);
        expect(
          named.some((field) => fields.includes(field)),
          `fieldErrors ${named.join(", ")}`,
        ).toBe(true);
      };

      test("an empty brief", async () => {
        const store = await newStore();
        await changesNothing(store, async () => {
          const empty = { topic: "", audience: "", tone: "", keywords: "", length: "", language: "" };
          expectFieldError(
            await studio.post(store, "/app/briefs/new", { intent: "save", ...empty }),
            "topic",
          );
          expectFieldError(await studio.post(store, "/app/briefs/new", { intent: "save" }), "topic");
        });
      });

      test("a brief over the limits: a 10,000-character topic, 50 keywords", async () => {
        const store = await newStore();
        const briefId = await studio.saveBrief(store);
        const longTopic = {
          ...BRIEF_FORM,
          intent: "save",
          topic: "snowboards ".repeat(1000).slice(0, 10_000),
        };
        const manyKeywords = {
          ...BRIEF_FORM,
          intent: "save",
          keywords: Array.from({ length: 50 }, (_, i) => `keyword ${i}`).join(", "),
        };
        await changesNothing(store, async () => {
          for (const path of ["/app/briefs/new", `/app/briefs/${briefId}`]) {
            expectFieldError(await studio.post(store, path, longTopic), "topic");
            expectFieldError(await studio.post(store, path, manyKeywords), "keywords");
          }
        });
      });

      test("an unknown draft id, and another shop's draft, brief and job ids: 404", async () => {
        const owner = await newStore();
        const { briefId, draftId } = await studio.firstDraft(owner);
        const ownersJob = (await h.db.job.findFirstOrThrow({ where: { draftId } })).id;
        const stranger = await newStore();
        const draftForms: Record<string, string>[] = [
          { intent: "regenerate", submitKey: submitKey() },
          { intent: "cover", submitKey: submitKey() },
          { intent: "rewrite", submitKey: submitKey(), instruction: "shorter", baseVersion: "1" },
          {
            intent: "edit",
            baseVersion: "1",
            title: "Mine now",
            bodyHtml: "<h2>Mine</h2><p>Mine now.</p>",
            metaTitle: "Mine now",
            metaDescription: "Another shop's text written over this draft, which must never happen.",
            excerpt: "Mine now.",
            tags: "mine",
            handle: "mine-now",
          },
          { intent: "restore", version: "1" },
          { intent: "save-to-shopify", blogId: "gid://shopify/Blog/1" },
        ];
        await changesNothing(owner, () =>
          changesNothing(stranger, async () => {
            for (const id of ["cl0000000000000000000000", draftId])
              for (const fields of draftForms) {
                const answer = await studio.draftForm(stranger, id, fields);
                expect(answer.status, `${fields.intent} on ${id}`).toBe(404);
                expect(answer.body).toMatchObject({ error: expect.any(String) });
              }
            const generate = await studio.generate(stranger, briefId, true);
            expect(generate.status).toBe(404);
            const page = await h.navigate(stranger, `/app/drafts/${draftId}`);
            expect(page.response.status).toBe(404);
            const job = await studio.readJob(stranger, ownersJob);
            expect(job).toMatchObject({ status: 404, body: { error: expect.any(String) } });
            expect(job.body.job).toBeUndefined();
          }),
        );
      });

      test("a custom rewrite with no instruction text", async () => {
        const store = await newStore();
        const { draftId } = await studio.firstDraft(store);
        await changesNothing(store, async () => {
          for (const instructionText of [undefined, "", "   "])
            expectFieldError(
              await studio.rewrite(store, draftId, {
                baseVersion: 1,
                instruction: "custom",
                instructionText,
              }),
              "instructionText",
              "instruction",
            );
          expectFieldError(
            await studio.rewrite(store, draftId, { baseVersion: 1, instruction: "louder" }),
            "instruction",
          );
        });
      });

      test("a malformed or missing submit key", async () => {
        const store = await newStore();
        const briefId = await studio.saveBrief(store);
        await changesNothing(store, async () => {
          for (const key of ["has spaces", "x".repeat(65), "", "semi;colon"])
            expectFieldError(await studio.generate(store, briefId, true, key), "submitKey");
          expectFieldError(
            await studio.briefForm(store, briefId, { intent: "generate", withCover: "true" }),
            "submitKey",
          );
          expect(
            (
              await studio.briefForm(store, briefId, {
                intent: "generate",
                submitKey: submitKey(),
                withCover: "maybe",
              })
            ).status,
          ).toBe(400);
        });
      });

      test("a form sent as JSON: 415", async () => {
        const store = await newStore();
        const { briefId, draftId } = await studio.firstDraft(store);
        await changesNothing(store, async () => {
          const json = (fields: object) => JSON.stringify(fields);
          const answers = [
            await studio.postRaw(
              store,
              `/app/briefs/${briefId}`,
              json({ intent: "generate", submitKey: submitKey(), withCover: "true" }),
              "application/json",
            ),
            await studio.postRaw(
              store,
              "/app/briefs/new",
              json({ intent: "save", ...BRIEF_FORM }),
              "application/json",
            ),
            await studio.postRaw(
              store,
              `/app/drafts/${draftId}`,
              json({ intent: "regenerate", submitKey: submitKey() }),
              "application/json",
            ),
          ];
          for (const answer of answers)
            expect(answer).toMatchObject({ status: 415, body: { error: expect.any(String) } });
        });
      });
    });
  });

  describe(`a failing AI provider on ${engine}`, () => {
    // The OpenAI-compatible provider pointed at a fake server that answers as the test scripts it; no
    // retries, so one scripted failure is the call's outcome.
    let fake: FakeAi | undefined;
    const suite = studioSuite(engine, async () => {
      fake = await startFakeAi();
      return {
        LOG_LEVEL: "warning",
        AI_BASE_URL: fake.url,
        AI_API_KEY: "sk-test-key",
        AI_MAX_RETRIES: "0",
        AI_TIMEOUT_MS: "5000",
      };
    });
    afterAll(() => fake?.close());

    /** The job failed, the page's job view says why, and the price held for it is back. */
    async function expectReleased(store: string, jobId: string, balance: number) {
      const { studio } = suite;
      const job = await studio.waitForJob(store, jobId);
      expect(job).toMatchObject({
        status: "failed",
        error: expect.any(String),
        finishedAt: expect.any(String),
      });
      expect(job.error!.length).toBeGreaterThan(10);
      expect(job.error).not.toMatch(/sk-test-key|Error:|at \//);
      const rows = await studio.rows(store);
      // The job's hold is keyed by the job (app/credits: `job:<id>`).
      expect(rows.reservations.find((r) => r.idempotencyKey === `job:${jobId}`)).toMatchObject({
        status: "released",
        credits: job.credits,
      });
      expect(rows.balance.held).toBe(0);
      expect(await studio.available(store)).toBe(balance);
      return { job, rows };
    }

    test("a draft whose model call fails: the job fails with a message, its 3 credits come back, no draft", async () => {
      const { studio } = suite;
      const store = await suite.newStore();
      const briefId = await studio.saveBrief(store);
      fake!.script("server_error");
      const jobId = studio.jobIdOf(await studio.generate(store, briefId, true));
      const { rows } = await expectReleased(store, jobId, 10);
      // The model was asked (once: no retries), with the configured key.
      expect(fake!.requests).toHaveLength(1);
      expect(fake!.requests[0]!.headers.authorization).toBe("Bearer sk-test-key");
      expect(rows.drafts).toEqual([]);
      expect(rows.ledgerEntries.filter((entry) => entry.type === "debit")).toEqual([]);
    });

    test("a refused rewrite gives its credit back and leaves the draft at its version", async () => {
      const { studio, h } = suite;
      const store = await suite.newStore();
      const briefId = await studio.saveBrief(store);
      fake!.script("ok");
      const written = await studio.runToEnd(studio.generate(store, briefId, false), store);
      expect(written).toMatchObject({ status: "succeeded" });
      expect(await studio.available(store)).toBe(8);
      fake!.script("refusal");
      const answer = await studio.rewrite(store, written.draftId!, {
        baseVersion: 1,
        instruction: "friendlier",
      });
      await expectReleased(store, studio.jobIdOf(answer), 8);
      const draft = await h.db.draft.findUniqueOrThrow({ where: { id: written.draftId! } });
      expect(draft.currentVersion).toBe(1);
      expect((await studio.entries(store, "debit")).map((debit) => debit.credits)).toEqual([-2]);
    });

    test("failed topic research costs nothing and says why", async () => {
      const { studio } = suite;
      const store = await suite.newStore();
      const briefId = await studio.saveBrief(store);
      const before = await studio.rows(store);
      fake!.script("malformed");
      const job = await studio.runToEnd(studio.research(store, briefId), store);
      expect(job).toMatchObject({ status: "failed", error: expect.any(String), ideas: null });
      const after = await studio.rows(store);
      expect(after.ledgerEntries).toEqual(before.ledgerEntries);
      expect(after.reservations).toEqual([]);
      expect(await studio.available(store)).toBe(10);
    });
  });
}
