import * as crypto from "node:crypto";
import { InvalidInput } from "./errors";

// Far above any plan or pack: a larger number is a bug or an attack, not a purchase.
export const MAX_CREDITS = 1_000_000;

export function requireCredits(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new InvalidInput(field, "must be a whole number of credits");
  if (value <= 0) throw new InvalidInput(field, "must be positive");
  if (value > MAX_CREDITS) throw new InvalidInput(field, `must be at most ${MAX_CREDITS}`);
  return value;
}

export function requireKey(field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 255)
    throw new InvalidInput(field, "must be a non-empty string of at most 255 characters");
  return value;
}

export function optionalText(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > 255)
    throw new InvalidInput(field, "must be a string of at most 255 characters");
  return value;
}

// Dates the ledger stores keep a four-digit year, so their ISO text has one width and SQLite's text
// comparisons order them; PostgreSQL's timestamp takes them too.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

export function requireDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new InvalidInput(field, "must be a valid Date");
  if (value.getTime() < EARLIEST || value.getTime() >= LATEST)
    throw new InvalidInput(field, "must be between 1970 and 9999");
  return value;
}

export function optionalDate(field: string, value: unknown): Date | null {
  return value === undefined || value === null ? null : requireDate(field, value);
}

export function optionalBoolean(field: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw new InvalidInput(field, "must be true or false");
  return value;
}

/** The argument an operation takes its fields from: reading a field of null would be a TypeError. */
export function requireInput<T>(field: string, value: T): T {
  if (typeof value !== "object" || value === null) throw new InvalidInput(field, "must be an object");
  return value;
}

/** A stable digest of a request, to tell a retry from a key reused for something else. */
export function fingerprint(request: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => {
        const value = request[key];
        return [key, value instanceof Date ? value.toISOString() : (value ?? null)];
      }),
  );
  return sha256(canonical);
}

// The one-shot hash (Node 20.12+) costs a fifth of a Hash object on every reserve; engines allow 20.10.
const sha256: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");
