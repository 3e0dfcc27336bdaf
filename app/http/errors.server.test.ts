import { BillingError, HttpMaxRetriesError, HttpThrottlingError } from "@shopify/shopify-api";
import { describe, expect, test } from "vitest";
import {
  IdempotencyConflict,
  InsufficientCredits,
  InvalidInput,
  ReservationExpired,
  ReservationNotFound,
  ReservationResolved,
  ShopNotFound,
} from "../ledger/errors";
import { ContentNotFound, InvalidContent } from "../content/errors";
import { ShopifyAccessDenied, ShopifyUserErrors } from "../shopify/admin-api.server";
import { isTransientDatabaseError, toHttpError, withHttpErrors } from "./errors.server";

async function answer(error: unknown) {
  const response = toHttpError(error);
  if (!response) return undefined;
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("content and Shopify refusals map to one 4xx each", () => {
  test.each([
    [new ContentNotFound("draft"), 404, { code: "not_found", error: "No such draft" }],
    [
      new InvalidContent({ topic: "Say what to write about" }),
      400,
      { code: "invalid_input", fieldErrors: { topic: "Say what to write about" } },
    ],
    [
      new ShopifyUserErrors([
        { field: ["article", "image"], message: "Image upload failed", code: "UPLOAD_FAILED" },
      ]),
      422,
      { reasons: ["Image upload failed"] },
    ],
    [new ShopifyAccessDenied("read_products"), 403, { code: "scope_required", scope: "read_products" }],
  ])("%s → %i", async (error, status, body) => {
    expect(await answer(error)).toMatchObject({ status, body: { error: expect.any(String), ...body } });
  });
});

describe("ledger errors map to one 4xx each", () => {
  test.each([
    [
      new InvalidInput("credits", "must be positive"),
      422,
      { code: "invalid_input", error: "credits: must be positive" },
    ],
    [
      new ShopNotFound("cm123"),
      404,
      { code: "shop_not_found", error: "This store has not installed the app" },
    ],
    [new InsufficientCredits(5, 2), 402, { code: "insufficient_credits", required: 5, available: 2 }],
    [new IdempotencyConflict("k1"), 409, { code: "idempotency_conflict" }],
    [new ReservationNotFound("k1"), 409, { code: "reservation_not_found" }],
    [new ReservationResolved("k1", "captured"), 409, { code: "reservation_resolved" }],
    [new ReservationExpired("k1"), 409, { code: "reservation_expired" }],
  ])("%s → %i", async (error, status, body) => {
    const got = await answer(error);
    expect(got).toMatchObject({ status, body: { error: expect.any(String), ...body } });
    expect(JSON.stringify(got?.body)).not.toMatch(/cm123|\n\s+at /);
  });
});

describe("transient database faults are 503s a retry may get past", () => {
  test.each([
    ["Prisma cannot reach the server", { code: "P1001" }],
    ["Prisma's pool timed out", { code: "P2024" }],
    ["a write conflict Prisma asks to retry", { code: "P2034" }],
    ["the client never initialised", { name: "PrismaClientInitializationError" }],
    ["PostgreSQL refusing connections", { code: "57P03" }],
    ["a PostgreSQL deadlock", { code: "40P01" }],
    ["a connection refused, as a cause", { message: "x", cause: { code: "ECONNREFUSED" } }],
    ["SQLite busy", { code: "SQLITE_BUSY" }],
  ])("%s", async (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
    const response = toHttpError(error);
    expect(response?.status).toBe(503);
    expect(response?.headers.get("Retry-After")).toBeTruthy();
  });

  test.each([
    ["a unique constraint", { code: "P2002" }],
    ["a record not found", { code: "P2025" }],
    ["a PostgreSQL check violation", { code: "23514" }],
  ])("but %s is not transient", (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});

test("a bug is left to Remix's bare 500; a Response passes through as it is", async () => {
  expect(toHttpError(new TypeError("x is undefined"))).toBeUndefined();
  const redirect = new Response(null, { status: 302, headers: { Location: "/app" } });
  expect(toHttpError(redirect)).toBe(redirect);
  await expect(withHttpErrors(() => Promise.reject(new TypeError("bug")))).rejects.toBeInstanceOf(TypeError);
  await expect(withHttpErrors(() => Promise.reject(new InsufficientCredits(3, 1)))).rejects.toMatchObject({
    status: 402,
  });
});

test("Shopify refusing a charge is a 422 with its reasons; Shopify not answering is a 503", async () => {
  const refused = toHttpError(
    new BillingError({
      message: "Error while billing the store",
      errorData: [{ field: ["test"], message: "Test charges are required on this store" }],
    }),
  );
  expect(refused?.status).toBe(422);
  expect(await refused?.json()).toEqual({
    error: "Shopify refused this charge",
    reasons: ["Test charges are required on this store"],
  });
  for (const error of [
    new HttpThrottlingError({ message: "Throttled", code: 429, statusText: "Too Many Requests" }),
    new HttpMaxRetriesError("Exceeded maximum retry count"),
  ])
    expect(toHttpError(error)?.status).toBe(503);
});
