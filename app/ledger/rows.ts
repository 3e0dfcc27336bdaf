// Rows the money driver returns, turned into the objects Prisma would return for the same rows. SQLite hands
// back DateTime as ISO text and Boolean as 0/1; PostgreSQL as Date and boolean; both convert alike.
import type { CreditGrant, LedgerEntry, Reservation } from "@prisma-generated/sqlite";
import type { Row } from "../db/transaction-script";

export const RESERVATION_COLUMNS = `"id", "shopId", "idempotencyKey", "fingerprint", "action", "credits",
  "status", "expiresAt", "actor", "reference", "createdAt", "resolvedAt"`;
export const GRANT_COLUMNS = `"id", "shopId", "kind", "sourceKey", "fingerprint", "amount", "remaining",
  "expiresAt", "expiredAt", "test", "createdAt"`;
export const ENTRY_COLUMNS = `"id", "shopId", "type", "credits", "postedAfter", "action", "grantId",
  "reservationId", "actor", "reference", "test", "createdAt"`;

export const date = (value: unknown) => new Date(value as string | Date);
const optionalDate = (value: unknown) => (value === null ? null : date(value));

export function toReservation(row: Row): Reservation {
  const r = row as Reservation;
  return {
    ...r,
    expiresAt: date(r.expiresAt),
    createdAt: date(r.createdAt),
    resolvedAt: optionalDate(r.resolvedAt),
  };
}

export function toGrant(row: Row): CreditGrant {
  const g = row as CreditGrant;
  return {
    ...g,
    expiresAt: optionalDate(g.expiresAt),
    expiredAt: optionalDate(g.expiredAt),
    test: Boolean(g.test),
    createdAt: date(g.createdAt),
  };
}

export function toEntry(row: Row): LedgerEntry {
  const e = row as LedgerEntry;
  return { ...e, test: Boolean(e.test), createdAt: date(e.createdAt) };
}
