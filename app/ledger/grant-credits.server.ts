import type { Db } from "../db/connect.server";
import { IdempotencyConflict, InvalidInput } from "./errors";
import { inShopTransaction, post } from "./shop-transaction.server";
import { fingerprint, optionalText, requireCredits, requireKey } from "./validate";

export const GRANT_KINDS = ["monthly", "top_up", "upgrade", "adjustment"] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export interface GrantInput {
  shopId: string;
  /** The grant's idempotency key, unique per shop: cycle:<start>, purchase:<gid>, upgrade:<gid>, … */
  sourceKey: string;
  kind: GrantKind;
  credits: number;
  /** Monthly and upgrade credits expire with their cycle; top-ups never do. */
  expiresAt?: Date | null;
  test?: boolean;
  actor?: string | null;
  reference?: string | null;
}

/**
 * Adds credits to a shop from one source, at most once per source key whatever retries or races happen.
 * A retry returns the original grant with `replayed: true` and writes nothing.
 */
export async function grantCredits(db: Db, input: GrantInput, now = new Date()) {
  const sourceKey = requireKey("sourceKey", input.sourceKey);
  const credits = requireCredits("credits", input.credits);
  if (!GRANT_KINDS.includes(input.kind)) throw new InvalidInput("kind", `must be one of ${GRANT_KINDS}`);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && !(expiresAt.getTime() > now.getTime()))
    throw new InvalidInput("expiresAt", "must be in the future");
  const actor = optionalText("actor", input.actor);
  const reference = optionalText("reference", input.reference);
  const test = input.test ?? false;
  const print = fingerprint({ kind: input.kind, credits, expiresAt, test });

  return inShopTransaction(db, input.shopId, async (tx) => {
    const existing = await tx.creditGrant.findUnique({
      where: { shopId_sourceKey: { shopId: input.shopId, sourceKey } },
    });
    if (existing) {
      if (existing.fingerprint !== print) throw new IdempotencyConflict(sourceKey);
      return { grant: existing, replayed: true };
    }
    const grant = await tx.creditGrant.create({
      data: {
        shopId: input.shopId,
        kind: input.kind,
        sourceKey,
        fingerprint: print,
        amount: credits,
        remaining: credits,
        expiresAt,
        test,
        createdAt: now,
      },
    });
    await post(tx, {
      shopId: input.shopId,
      type: input.kind === "adjustment" ? "adjustment" : "grant",
      credits,
      grantId: grant.id,
      actor,
      reference,
      test,
      createdAt: now,
    });
    return { grant, replayed: false };
  });
}
