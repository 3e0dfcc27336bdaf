// How the app's errors become HTTP answers, in one place. Bad input that a retry cannot fix gets a 4xx with
// a sentence the store owner can read; only a fault that may pass (the database or Shopify not answering)
// gets a 5xx. Bodies never carry stack traces, SQL or validation internals.
import {
  BillingError,
  HttpMaxRetriesError,
  HttpRequestError,
  HttpRetriableError,
} from "@shopify/shopify-api";
import { ContentNotFound, InvalidContent } from "../content/errors";
import { LedgerError } from "../ledger/errors";
import { ShopifyAccessDenied, ShopifyUserErrors } from "../shopify/admin-api.server";

/** The JSON error answer every route uses: `{ error: "<sentence>", ...details }`. */
export function httpError(status: number, message: string, details: Record<string, unknown> = {}) {
  return Response.json({ error: message, ...details }, { status });
}

/** A transient fault: 503 with a Retry-After, so clients (and App Bridge's fetch) may try again. */
export function unavailable(message: string, retryAfterSeconds = 5) {
  return Response.json(
    { error: message },
    { status: 503, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}

/** Decision 003's mapping of the ledger's error codes to HTTP statuses. */
export function ledgerErrorResponse(error: LedgerError): Response {
  switch (error.code) {
    case "invalid_input":
      return httpError(422, error.message, { code: error.code });
    case "shop_not_found":
      // The message names the internal shop id; the store owner needs the fact, not the id.
      return httpError(404, "This store has not installed the app", { code: error.code });
    case "insufficient_credits": {
      const { required, available } = error as LedgerError & { required: number; available: number };
      return httpError(402, error.message, { code: error.code, required, available });
    }
    case "idempotency_conflict":
    case "reservation_not_found":
    case "reservation_resolved":
    case "reservation_expired":
      return httpError(409, error.message, { code: error.code });
  }
}

// Prisma's codes for a database that is down, overloaded or lost a race it asks us to retry
// (P1001 unreachable, P1002/P1008 timed out, P1017 connection closed, P2024 pool timeout, P2034 write
// conflict or deadlock), PostgreSQL's SQLSTATEs for the same (class 08 connection, 40001 serialization,
// 40P01 deadlock, 53xxx resources, 57P0x shutdown), SQLite's busy/locked and Node's socket errors.
const TRANSIENT_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2034"]);
const TRANSIENT_SQLSTATE = /^(08|53|57P0)|^40001$|^40P01$/;
const TRANSIENT_NODE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (name === "PrismaClientInitializationError") return true;
    if (typeof code === "string") {
      if (TRANSIENT_PRISMA.has(code) || TRANSIENT_NODE.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE.test(code)) return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The HTTP answer for an error, or undefined when it is a bug (Remix answers a bare 500 for those). */
export function toHttpError(error: unknown): Response | undefined {
  if (error instanceof Response) return error;
  if (error instanceof LedgerError) return ledgerErrorResponse(error);
  // Another shop's id is answered exactly like an id that never existed.
  if (error instanceof ContentNotFound) return httpError(404, error.message, { code: "not_found" });
  if (error instanceof InvalidContent)
    return httpError(400, error.message, { code: "invalid_input", fieldErrors: error.fieldErrors });
  if (isTransientDatabaseError(error))
    return unavailable("The app's database is busy; try again in a moment");
  // Shopify refused the charge (its userErrors say why): asking again the same way gets the same answer.
  if (error instanceof BillingError)
    return httpError(422, "Shopify refused this charge", {
      reasons: userErrorMessages(error.errorData),
    });
  // Shopify refused an article's input: the same input gets the same answer.
  if (error instanceof ShopifyUserErrors)
    return httpError(422, "Shopify refused this article", { reasons: error.messages.slice(0, 5) });
  // The store has not granted a scope the action needs: the page offers the approval.
  if (error instanceof ShopifyAccessDenied)
    return httpError(403, "This store has not given the app access to this", {
      code: "scope_required",
      scope: error.scope,
    });
  // Shopify throttled, failed with a 5xx, or did not answer: a retry may get through.
  if (
    error instanceof HttpRetriableError ||
    error instanceof HttpMaxRetriesError ||
    error instanceof HttpRequestError
  )
    return unavailable("Shopify is not answering; try again in a moment");
  return undefined;
}

function userErrorMessages(data: unknown): string[] {
  if (!Array.isArray(data)) return [];
  return data
    .map((item) => (item as { message?: unknown })?.message)
    .filter((message): message is string => typeof message === "string")
    .slice(0, 5);
}

/** Runs a route's work, throwing ledger and transient errors as their HTTP answers. */
export async function withHttpErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHttpError(error) ?? error;
  }
}
