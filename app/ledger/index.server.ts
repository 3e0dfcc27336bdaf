// The credit ledger's public surface. Plain TypeScript over Prisma: no Remix or Shopify imports.
export { getBalance } from "./balance.server";
export { captureReservation } from "./capture-reservation.server";
export { checkInvariants } from "./check-invariants.server";
export { ensureShop } from "./ensure-shop.server";
export * from "./errors";
export { GRANT_KINDS, grantCredits, type GrantInput, type GrantKind } from "./grant-credits.server";
export { moveCycleGrants, type MoveCycleInput } from "./move-cycle-grants.server";
export { ACTIONS, PRICES, priceOf, type Action } from "./prices";
export { releaseReservation } from "./release-reservation.server";
export {
  MAX_RESERVATION_TIMEOUT_MS,
  RESERVATION_TIMEOUT_MS,
  reserveCredits,
  type ReserveInput,
} from "./reserve-credits.server";
export { sweep } from "./sweep.server";
