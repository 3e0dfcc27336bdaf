import type { Db } from "../db/connect.server";
import { query } from "../db/transaction-script";
import { cuid } from "./cuid";
import { IdempotencyConflict, InvalidInput, ShopNotFound } from "./errors";
import { GRANT_COLUMNS, toGrant } from "./rows";
import { inShopTransaction, post } from "./shop-transaction.server";
import {
  fingerprint,
  optionalBoolean,
  optionalDate,
  optionalText,
  requireCredits,
  requireDate,
  requireInput,
  requireKey,
} from "./validate";

export const GRANT_KINDS = ["monthly", "top_up", "upgrade", "adjustment"] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export interface GrantInput {
  shopId: string;
  /** The grant's idempotency key, unique per shop: cycle:<start>, purchase:<gid>, upgrade:<gid>, … */
  sourceKey: string;
  kind: GrantKind;
  credits: number;
  /** Monthly and upgrade credits expire with their cycle (required); top-ups never do. */
  expiresAt?: Date | null;
  test?: boolean;
  actor?: string | null;
  reference?: string | null;
}

// Written only for a shop that has a balance row; a retried source key writes nothing.
const INSERT_GRANT = `INSERT INTO "CreditGrant" ("id", "shopId", "kind", "sourceKey", "fingerprint", "amount",
    "remaining", "expiresAt", "test", "createdAt")
  SELECT ?, "shopId", ?, ?, ?, ?, ?, ?, ?, ? FROM "ShopBalance" WHERE "shopId" = ?
  ON CONFLICT ("shopId", "sourceKey") DO NOTHING RETURNING ${GRANT_COLUMNS}`;
const SELECT_GRANT = `SELECT ${GRANT_COLUMNS} FROM "CreditGrant" WHERE "shopId" = ? AND "sourceKey" = ?`;

/**
 * Adds credits to a shop from one source, at most once per source key whatever retries or races happen.
 * A retry returns the original grant with `replayed: true` and writes nothing.
 */
export async function grantCredits(db: Db, input: GrantInput, now = new Date()) {
  requireInput("input", input);
  const shopId = requireKey("shopId", input.shopId);
  requireDate("now", now);
  const sourceKey = requireKey("sourceKey", input.sourceKey);
  const credits = requireCredits("credits", input.credits);
  if (!GRANT_KINDS.includes(input.kind)) throw new InvalidInput("kind", `must be one of ${GRANT_KINDS}`);
  const expiresAt = optionalDate("expiresAt", input.expiresAt);
  // An allowance that never expired would roll over forever.
  if (!expiresAt && (input.kind === "monthly" || input.kind === "upgrade"))
    throw new InvalidInput("expiresAt", `${input.kind} credits must expire with their cycle`);
  if (expiresAt && !(expiresAt.getTime() > now.getTime()))
    throw new InvalidInput("expiresAt", "must be in the future");
  const actor = optionalText("actor", input.actor);
  const reference = optionalText("reference", input.reference);
  const test = optionalBoolean("test", input.test);
  const print = fingerprint({ kind: input.kind, credits, expiresAt, test });

  return inShopTransaction(db, function* () {
    // No row back: the source key was used before (a retry), or the shop has no balance row.
    const [inserted] = yield* query(
      INSERT_GRANT,
      cuid(),
      input.kind,
      sourceKey,
      print,
      credits,
      credits,
      expiresAt,
      test,
      now,
      shopId,
    );
    if (!inserted) {
      const [existing] = yield* query(SELECT_GRANT, shopId, sourceKey);
      if (!existing) throw new ShopNotFound(shopId);
      if (existing.fingerprint !== print) throw new IdempotencyConflict(sourceKey);
      return { grant: toGrant(existing), replayed: true };
    }
    const grant = toGrant(inserted);
    yield* post({
      shopId,
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
