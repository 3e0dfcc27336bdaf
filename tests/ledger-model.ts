// A tiny in-memory model of the credit ledger: the behaviour the database must match, step for step,
// in the randomized model test. Deliberately naive: arrays, loops, no concurrency.
import { PRICES, type Action } from "../app/ledger/prices";

interface ModelGrant {
  sourceKey: string;
  kind: "monthly" | "top_up";
  amount: number;
  remaining: number;
  expiresAt: number | null;
  expired: boolean;
  createdAt: number;
}

interface ModelReservation {
  action: string;
  credits: number;
  status: "pending" | "captured" | "released" | "expired";
  expiresAt: number;
  allocations: { grant: ModelGrant; credits: number }[];
}

export type Outcome = { ok: true; replayed: boolean } | { ok: false; code: string };

const ok = (replayed = false): Outcome => ({ ok: true, replayed });
const fail = (code: string): Outcome => ({ ok: false, code });

export class ShopModel {
  grants: ModelGrant[] = [];
  reservations = new Map<string, ModelReservation>();
  posted = 0;

  get held() {
    let held = 0;
    for (const r of this.reservations.values()) if (r.status === "pending") held += r.credits;
    return held;
  }

  available(now: number) {
    const lapsed = this.grants
      .filter((g) => !g.expired && g.expiresAt !== null && g.expiresAt <= now)
      .reduce((sum, g) => sum + g.remaining, 0);
    return this.posted - this.held - lapsed;
  }

  grant(
    sourceKey: string,
    kind: ModelGrant["kind"],
    amount: number,
    expiresAt: number | null,
    now: number,
  ): Outcome {
    const existing = this.grants.find((g) => g.sourceKey === sourceKey);
    if (existing)
      return existing.amount === amount && existing.kind === kind && existing.expiresAt === expiresAt
        ? ok(true)
        : fail("idempotency_conflict");
    if (expiresAt !== null && expiresAt <= now) return fail("invalid_input");
    this.grants.push({
      sourceKey,
      kind,
      amount,
      remaining: amount,
      expiresAt,
      expired: false,
      createdAt: now,
    });
    this.posted += amount;
    return ok();
  }

  reserve(key: string, actions: Action[], timeoutMs: number, now: number): Outcome {
    // Input is validated before the key is looked up: bad input is bad whatever the key.
    const credits = actions.reduce((sum, a) => sum + PRICES[a], 0);
    if (credits === 0) return fail("invalid_input");
    const action = actions.join("+");
    const existing = this.reservations.get(key);
    if (existing) return existing.action === action ? ok(true) : fail("idempotency_conflict");
    const spendable = this.grants
      .filter((g) => g.remaining > 0 && !g.expired && (g.expiresAt === null || g.expiresAt > now))
      .sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.createdAt - b.createdAt);
    if (spendable.reduce((sum, g) => sum + g.remaining, 0) < credits) return fail("insufficient_credits");
    const allocations: ModelReservation["allocations"] = [];
    let needed = credits;
    for (const grant of spendable) {
      if (needed === 0) break;
      const take = Math.min(needed, grant.remaining);
      grant.remaining -= take;
      allocations.push({ grant, credits: take });
      needed -= take;
    }
    this.reservations.set(key, {
      action,
      credits,
      status: "pending",
      expiresAt: now + timeoutMs,
      allocations,
    });
    return ok();
  }

  capture(key: string, now: number): Outcome {
    const r = this.reservations.get(key);
    if (!r) return fail("reservation_not_found");
    if (r.status === "captured") return ok(true);
    if (r.status !== "pending") return fail("reservation_resolved");
    if (r.expiresAt <= now) return fail("reservation_expired");
    r.status = "captured";
    this.posted -= r.credits;
    return ok();
  }

  release(key: string): Outcome {
    const r = this.reservations.get(key);
    if (!r) return fail("reservation_not_found");
    if (r.status === "released" || r.status === "expired") return ok(true);
    if (r.status === "captured") return fail("reservation_resolved");
    this.giveBack(r, "released");
    return ok();
  }

  sweep(now: number) {
    for (const r of this.reservations.values())
      if (r.status === "pending" && r.expiresAt <= now) this.giveBack(r, "expired");
    for (const g of this.grants)
      if (!g.expired && g.expiresAt !== null && g.expiresAt <= now) {
        this.posted -= g.remaining;
        g.remaining = 0;
        g.expired = true;
      }
  }

  private giveBack(r: ModelReservation, status: "released" | "expired") {
    r.status = status;
    for (const { grant, credits } of r.allocations) {
      if (grant.expired) this.posted -= credits;
      else grant.remaining += credits;
    }
  }
}
