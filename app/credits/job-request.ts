// What a page asks the content studio to do, what it costs, and how a button prices it. Pure TypeScript.
import type { BriefFields, TopicIdea } from "../ai/provider";
import { priceOf, type Action } from "../ledger/prices";

export type JobRequest =
  | { kind: "topic.research"; briefId: string }
  | { kind: "draft.generate"; briefId: string; withCover: boolean }
  /** `brief` null: regenerate from the brief the current version was written from. */
  | { kind: "draft.regenerate"; draftId: string; brief: BriefFields | null }
  | {
      kind: "draft.rewrite";
      draftId: string;
      baseVersion: number;
      instruction: string;
      /** The HTML fragment of the body to rewrite; null rewrites the whole body. */
      selection: string | null;
    }
  | { kind: "cover.generate"; draftId: string }
  /**
   * A draft written and saved to the store's blog without anyone at the page: an automation's run or a
   * Shopify Flow action. Charged only once Shopify has the article.
   */
  | {
      kind: "automation.run";
      brief: BriefFields;
      /** gid://shopify/Blog/<n> */
      blogId: string;
      /** ISO time the article is published at; null saves it unpublished. */
      publishAt: string | null;
      /** The automation and its run, when a schedule started it (null for a Flow action). */
      automationId: string | null;
      runId: string | null;
    };

export type JobKind = JobRequest["kind"];
export type JobStatus = "queued" | "running" | "succeeded" | "failed";

/** A job as a page follows it. */
export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  credits: number;
  draftId: string | null;
  briefId: string | null;
  /** Why it failed, for the merchant; null unless failed. */
  error: string | null;
  /** Topic research's ranked ideas, once it succeeded. */
  ideas: TopicIdea[] | null;
  createdAt: string;
  finishedAt: string | null;
}

export const REWRITE_LIMITS = { instruction: 500, selection: 20_000 } as const;

/** The priced actions a request spends, as the ledger names them: "Draft + cover" is one reservation. */
export function jobActions(request: JobRequest): Action[] {
  switch (request.kind) {
    case "topic.research":
      return ["topic.research"];
    case "draft.generate":
      return request.withCover ? ["draft.generate", "cover.generate"] : ["draft.generate"];
    case "draft.regenerate":
      return ["draft.regenerate"];
    case "draft.rewrite":
      return ["draft.rewrite"];
    case "cover.generate":
      return ["cover.generate"];
    case "automation.run":
      return ["automation.run"];
  }
}

export interface Quote {
  credits: number;
  /** The balance after the action, if it runs now. */
  after: number;
  affordable: boolean;
}

/** What a button says before the click: its price and the balance it leaves. */
export function quote(actions: readonly Action[], available: number): Quote {
  const credits = priceOf(actions);
  return { credits, after: available - credits, affordable: available >= credits };
}
