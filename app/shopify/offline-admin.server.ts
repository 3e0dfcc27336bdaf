// An offline Admin API client for a shop, for work no merchant request carries (jobs, the sweeper).
import type { AdminGraphql } from "./admin-api.server";

/** shopify.server.ts's `unauthenticated.admin`, or a test's stand-in for it. */
export type OfflineAdmin = (shop: string) => Promise<{ admin: { graphql: AdminGraphql } }>;

// Loaded when first needed, so modules that take an OfflineAdmin (and their tests) do not load the app's
// Shopify configuration.
export const offlineAdmin: OfflineAdmin = async (shop) =>
  (await import("../shopify.server")).unauthenticated.admin(shop);
