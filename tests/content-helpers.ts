// The content studio as its pages drive it over HTTP (tests/app-harness.ts): brief and draft forms posted
// as Remix's client posts them, the job a paid form started followed as the page polls it, and what the
// ledger holds for the shop afterwards.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { JobView } from "../app/credits/job-request";
import { getBalance } from "../app/ledger/balance.server";
import type { AppHarness, ThrownResponse } from "./app-harness";

/** A brief form as the merchant fills it in. */
export const BRIEF_FORM = {
  topic: "How to choose a snowboard for your first winter",
  audience: "beginners buying their first board",
  tone: "friendly",
  keywords: "beginner snowboard, snowboard size",
  length: "short",
  language: "en",
} as const;

export type FormFields = Record<string, string | readonly string[]>;

/** Form fields URL-encoded, a list as repeated fields (productIds=…&productIds=…). */
export function formBody(fields: FormFields) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const item of typeof value === "string" ? [value] : value) body.append(name, item);
  return body;
}

/** What a form's action answered, as the page's fetcher sees it. */
export interface FormAnswer {
  status: number;
  /** The action's data, or the body of the Response it threw. */
  body: Record<string, unknown>;
  /** Where a redirect sends the page, else null. */
  redirect: string | null;
}

/** A submit key as the page makes one per submit. */
export const submitKey = (): string => randomUUID();

const FINISHED = new Set(["succeeded", "failed"]);

export function contentStudio(h: AppHarness) {
  async function answerOf(response: Response): Promise<FormAnswer> {
    const result = (await h.actionResult(response)) as Record<string, unknown>;
    // An action's redirect under single fetch is a 202 carrying { redirect: <url>, status, … }.
    if (response.status === 202 && typeof result.redirect === "string")
      return { status: 202, body: result, redirect: result.redirect };
    const redirect = null;
    const body =
      "data" in result
        ? result.data
        : "error" in result
          ? ((result.error as ThrownResponse).data ?? result.error)
          : result;
    return { status: response.status, body: (body ?? {}) as Record<string, unknown>, redirect };
  }

  /** Posts a form of the page at `path`. */
  async function post(shop: string, path: string, fields: FormFields) {
    return answerOf(await h.submitForm(shop, path, formBody(fields)));
  }

  /** Posts any body under any content type to the page at `path`. */
  async function postRaw(shop: string, path: string, body: string, contentType: string) {
    return answerOf(await h.submitForm(shop, path, body, { contentType }));
  }

  /** Saves a brief (new, or `briefId`'s) and answers its id, from the redirect to its page. */
  async function saveBrief(shop: string, fields: FormFields = BRIEF_FORM, briefId?: string) {
    const answer = await post(shop, `/app/briefs/${briefId ?? "new"}`, { intent: "save", ...fields });
    const id = /^\/app\/briefs\/([^/?#]+)/.exec(answer.redirect ?? "")?.[1];
    if (answer.status !== 202 || !id || id === "new")
      throw new Error(`saving the brief answered ${answer.status}: ${JSON.stringify(answer)}`);
    return id;
  }

  const briefForm = (shop: string, briefId: string, fields: FormFields) =>
    post(shop, `/app/briefs/${briefId}`, fields);
  const draftForm = (shop: string, draftId: string, fields: FormFields) =>
    post(shop, `/app/drafts/${draftId}`, fields);

  const research = (shop: string, briefId: string, key = submitKey()) =>
    briefForm(shop, briefId, { intent: "research", submitKey: key });
  const generate = (shop: string, briefId: string, withCover: boolean, key = submitKey()) =>
    briefForm(shop, briefId, { intent: "generate", submitKey: key, withCover: String(withCover) });
  const regenerate = (shop: string, draftId: string, key = submitKey()) =>
    draftForm(shop, draftId, { intent: "regenerate", submitKey: key });
  const cover = (shop: string, draftId: string, key = submitKey()) =>
    draftForm(shop, draftId, { intent: "cover", submitKey: key });
  const rewrite = (
    shop: string,
    draftId: string,
    fields: { baseVersion: number; instruction: string; instructionText?: string; selection?: string },
    key = submitKey(),
  ) =>
    draftForm(shop, draftId, {
      intent: "rewrite",
      submitKey: key,
      baseVersion: String(fields.baseVersion),
      instruction: fields.instruction,
      ...(fields.instructionText !== undefined ? { instructionText: fields.instructionText } : {}),
      ...(fields.selection !== undefined ? { selection: fields.selection } : {}),
    });

  /** The job a paid form started: its id from a 200 `{ jobId }`, or the test fails with what came back. */
  function jobIdOf(answer: FormAnswer) {
    expect(answer, "the form should have started a job").toMatchObject({
      status: 200,
      body: { jobId: expect.any(String) },
    });
    return answer.body.jobId as string;
  }

  /** GET /app/jobs/<id> as the page polls it: the status and the JSON body. */
  async function readJob(shop: string, jobId: string) {
    const response = await h.appFetch(shop, `/app/jobs/${encodeURIComponent(jobId)}`);
    const type = response.headers.get("Content-Type") ?? "";
    if (!type.includes("application/json"))
      throw new Error(`GET /app/jobs/${jobId} → ${response.status} ${type}: ${await response.text()}`);
    return { status: response.status, body: (await response.json()) as { job?: JobView; error?: string } };
  }

  /** Polls the job until it succeeded or failed, as the page does; fails the test after `timeoutMs`. */
  async function waitForJob(shop: string, jobId: string, timeoutMs = 30_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await readJob(shop, jobId);
      if (status !== 200 || !body.job) throw new Error(`job ${jobId}: ${status} ${JSON.stringify(body)}`);
      if (FINISHED.has(body.job.status)) return body.job;
      if (Date.now() > deadline)
        throw new Error(`job ${jobId} still ${body.job.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Submits a paid form and waits for its job to finish. */
  async function runToEnd(submitted: Promise<FormAnswer>, shop: string) {
    return waitForJob(shop, jobIdOf(await submitted));
  }

  /** Saves a brief and writes a first draft from it (2 credits): the draft's id. */
  async function firstDraft(shop: string) {
    const briefId = await saveBrief(shop);
    const job = await runToEnd(generate(shop, briefId, false), shop);
    expect(job).toMatchObject({ status: "succeeded", draftId: expect.any(String) });
    return { briefId, draftId: job.draftId! };
  }

  async function shopId(domain: string) {
    return (await h.db.shop.findUniqueOrThrow({ where: { domain } })).id;
  }

  async function available(domain: string) {
    return (await getBalance(h.db, await shopId(domain))).available;
  }

  /** The shop's ledger entries of one type, oldest first. */
  async function entries(domain: string, type: "grant" | "debit") {
    return h.db.ledgerEntry.findMany({
      where: { shopId: await shopId(domain), type },
      orderBy: { id: "asc" },
    });
  }

  /** Every row a content request may write for the shop, to show that a refused one wrote none. */
  async function rows(domain: string) {
    const where = { shopId: await shopId(domain) };
    const [balance, briefs, drafts, versions, covers, jobs, reservations, ledgerEntries] = await Promise.all([
      h.db.shopBalance.findUniqueOrThrow({ where, select: { posted: true, held: true } }),
      h.db.brief.findMany({ where, orderBy: { id: "asc" } }),
      h.db.draft.findMany({ where, orderBy: { id: "asc" } }),
      h.db.draftVersion.findMany({ where, orderBy: { id: "asc" } }),
      h.db.cover.findMany({ where, orderBy: { id: "asc" }, select: { id: true } }),
      h.db.job.findMany({ where, orderBy: { id: "asc" } }),
      h.db.reservation.findMany({ where, orderBy: { id: "asc" } }),
      h.db.ledgerEntry.findMany({ where, orderBy: { id: "asc" } }),
    ]);
    return { balance, briefs, drafts, versions, covers, jobs, reservations, ledgerEntries };
  }

  return {
    post,
    postRaw,
    saveBrief,
    briefForm,
    draftForm,
    research,
    generate,
    regenerate,
    rewrite,
    cover,
    jobIdOf,
    readJob,
    waitForJob,
    runToEnd,
    firstDraft,
    shopId,
    available,
    entries,
    rows,
  };
}

export type ContentStudio = ReturnType<typeof contentStudio>;
