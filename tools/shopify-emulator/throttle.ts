// Shopify's leaky bucket for the GraphQL Admin API, one per app and store: a query's requested cost must
// be in the bucket before it runs (else THROTTLED), what it did not use is given back, and the bucket
// refills continuously. Wall-clock time, like every rate limit the app meets.

import type { CostBudget, ThrottleStatus } from "./gql-executor";

// Restore rates per second from Shopify's rate-limits page (shopify.dev/docs/apps/build/apis/graphql-admin/
// rate-limits: Standard 100 points/s, Shopify Plus 1000); bucket sizes as older revisions gave them.
export const STANDARD_BUCKET = { maximumAvailable: 1000, restoreRate: 100 };
export const PLUS_BUCKET = { maximumAvailable: 2000, restoreRate: 1000 };

export class LeakyBucket implements CostBudget {
  private available: number;
  private at: number;

  constructor(
    private readonly limits: { maximumAvailable: number; restoreRate: number },
    private readonly clock: () => number = Date.now,
  ) {
    this.available = limits.maximumAvailable;
    this.at = clock();
  }

  private refill(): void {
    const now = this.clock();
    const restored = ((now - this.at) / 1000) * this.limits.restoreRate;
    this.available = Math.min(this.limits.maximumAvailable, this.available + restored);
    this.at = now;
  }

  take(points: number): boolean {
    this.refill();
    if (points > this.available) return false;
    this.available -= points;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.limits.maximumAvailable, this.available + Math.max(0, points));
  }

  // Drains the bucket to `points` (tests and the control route play a busy app).
  drainTo(points: number): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.available, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.limits.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.limits.restoreRate,
    };
  }
}
