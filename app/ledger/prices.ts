// What each action costs, in credits. The one table every screen, route and automation reads.
export const PRICES = {
  "topic.research": 0,
  "draft.generate": 2,
  "draft.regenerate": 2,
  // Charged only when the run saves a draft: a failed run releases its reservation.
  "automation.run": 2,
  "cover.generate": 1,
  "draft.rewrite": 1,
} as const;

export type Action = keyof typeof PRICES;

export const ACTIONS = Object.keys(PRICES) as Action[];

export function isAction(value: unknown): value is Action {
  return typeof value === "string" && Object.hasOwn(PRICES, value);
}

/** A combined request (draft + cover) costs the sum of its actions and is one reservation. */
export function priceOf(actions: readonly Action[]): number {
  return actions.reduce((sum, action) => sum + PRICES[action], 0);
}
