// Expected failures of the ledger, each with a stable code a route maps to a 4xx and a merchant-facing
// message. Thrown inside the money transaction, so nothing it began is written.
export type LedgerErrorCode =
  | "invalid_input"
  | "shop_not_found"
  | "insufficient_credits"
  | "idempotency_conflict"
  | "reservation_not_found"
  | "reservation_resolved"
  | "reservation_expired";

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends LedgerError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super("invalid_input", `${field}: ${reason}`);
  }
}

export class ShopNotFound extends LedgerError {
  constructor(readonly shopId: string) {
    super("shop_not_found", `No shop ${shopId}`);
  }
}

export class InsufficientCredits extends LedgerError {
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super("insufficient_credits", `This needs ${required} credits; ${available} available`);
  }
}

/** Stripe's rule: a key may be retried with the same request, never reused for a different one. */
export class IdempotencyConflict extends LedgerError {
  constructor(readonly key: string) {
    super("idempotency_conflict", `Key ${key} was already used with different parameters`);
  }
}

export class ReservationNotFound extends LedgerError {
  constructor(readonly key: string) {
    super("reservation_not_found", `No reservation ${key}`);
  }
}

export class ReservationResolved extends LedgerError {
  constructor(
    readonly key: string,
    readonly status: string,
  ) {
    super("reservation_resolved", `Reservation ${key} is already ${status}`);
  }
}

export class ReservationExpired extends LedgerError {
  constructor(readonly key: string) {
    super("reservation_expired", `Reservation ${key} timed out before it was captured`);
  }
}
