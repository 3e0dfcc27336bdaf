// The plan catalog and the top-up packs: every amount the app sells, in one module. Prices are in USD
// as Shopify bills them; credits are whole numbers.
export const CYCLE_DAYS = 30;

export interface Plan {
  key: "free" | "starter" | "growth" | "pro";
  name: string;
  monthlyCredits: number;
  price: number;
}

export const PLANS: readonly Plan[] = [
  { key: "free", name: "Free", monthlyCredits: 10, price: 0 },
  { key: "starter", name: "Starter", monthlyCredits: 100, price: 9.99 },
  { key: "growth", name: "Growth", monthlyCredits: 400, price: 29.99 },
  { key: "pro", name: "Pro", monthlyCredits: 1500, price: 79.99 },
];

export interface TopUpPack {
  key: "pack-25" | "pack-100" | "pack-500";
  name: string;
  credits: number;
  price: number;
}

// Names are what Shopify shows the store owner and returns on every charge: each names one plan or pack.
export const TOP_UP_PACKS: readonly TopUpPack[] = [
  { key: "pack-25", name: "Top-up: 25 credits", credits: 25, price: 4.99 },
  { key: "pack-100", name: "Top-up: 100 credits", credits: 100, price: 14.99 },
  { key: "pack-500", name: "Top-up: 500 credits", credits: 500, price: 59.99 },
];

export const CURRENCY = "USD";

export const FREE_PLAN = PLANS[0] as Plan;

// One look-up per catalog and field: by key (what the app stores and its forms send) and by name (what
// Shopify returns on each charge). An unknown key or name finds nothing.
export function planByKey(key: string): Plan | undefined {
  return PLANS.find((plan) => plan.key === key);
}

/** The paid plan a Shopify subscription is for, by the name it was created with. */
export function planByName(name: string): Plan | undefined {
  return PLANS.find((plan) => plan.name === name && plan.price > 0);
}

export function topUpPackByKey(key: string): TopUpPack | undefined {
  return TOP_UP_PACKS.find((pack) => pack.key === key);
}

export function topUpPackByName(name: string): TopUpPack | undefined {
  return TOP_UP_PACKS.find((pack) => pack.name === name);
}
