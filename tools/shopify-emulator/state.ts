// The emulator's in-memory world: shops, their access tokens, charges, blogs, and the clock billing runs on.

export const DAY_MS = 24 * 60 * 60 * 1000;

export type SubscriptionStatus =
  "PENDING" | "ACCEPTED" | "ACTIVE" | "DECLINED" | "EXPIRED" | "FROZEN" | "CANCELLED";
export type PurchaseStatus = "PENDING" | "ACTIVE" | "DECLINED" | "EXPIRED";
export type ReplacementBehavior = "APPLY_IMMEDIATELY" | "APPLY_ON_NEXT_BILLING_CYCLE" | "STANDARD";
export type RecurringInterval = "EVERY_30_DAYS" | "ANNUAL";

/**
 * What Shopify reports for a subscription approved with APPLY_ON_NEXT_BILLING_CYCLE before the next cycle.
 * Not documented (SHOPIFY.md): `ACCEPTED` is deprecated since 2021-01 ("approved subscriptions go PENDING →
 * ACTIVE"), and reports differ, so the emulator plays each:
 * - "pending-until-cycle": it stays PENDING (no webhook) until the current period ends, then the old one is
 *   CANCELLED and it becomes ACTIVE;
 * - "cancel-old-activate-new-at-once": the old one is CANCELLED and the new one ACTIVE on approval;
 * - "accepted": ACCEPTED until the period ends (the pre-2021 behaviour).
 */
export type DeferredApproval = "pending-until-cycle" | "cancel-old-activate-new-at-once" | "accepted";
export const DEFERRED_APPROVALS: readonly DeferredApproval[] = [
  "pending-until-cycle",
  "cancel-old-activate-new-at-once",
  "accepted",
];

// Shopify's Decimal scalar is a string ("10.0"); amounts stay strings end to end.
export interface Money {
  amount: string;
  currencyCode: string;
}

// Shopify's Decimal scalar renders whole numbers with one decimal ("10.0").
export function decimal(value: number | string): string {
  const n = Number(value);
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

export interface Discount {
  durationLimitInIntervals: number | null;
  remainingDurationInIntervals: number | null;
  value: { amount: Money } | { percentage: number };
  priceAfterDiscount: Money;
}

export type PricingDetails =
  | { kind: "recurring"; price: Money; interval: RecurringInterval; discount: Discount | null }
  | { kind: "usage"; cappedAmount: Money; balanceUsed: Money; terms: string; interval: "EVERY_30_DAYS" };

export interface Subscription {
  kind: "subscription";
  id: number;
  shop: string;
  name: string;
  status: SubscriptionStatus;
  test: boolean;
  trialDays: number;
  returnUrl: string;
  replacementBehavior: ReplacementBehavior;
  lineItems: PricingDetails[];
  createdAt: Date;
  updatedAt: Date;
  currentPeriodEnd: Date | null;
  // An approved subscription waiting for the one it replaces to reach its period end (status ACCEPTED, or
  // PENDING under "pending-until-cycle").
  activatesAt: Date | null;
  // When the store owner approved it (a PENDING charge with approvedAt set is no longer awaiting an answer).
  approvedAt?: Date | null;
}

export interface Purchase {
  kind: "purchase";
  id: number;
  shop: string;
  name: string;
  status: PurchaseStatus;
  test: boolean;
  returnUrl: string;
  price: Money;
  createdAt: Date;
  updatedAt: Date;
  // Approved, but the payment failed: Shopify keeps the purchase PENDING (AppPurchaseStatus).
  paymentFailedAt?: Date | null;
}

export type Charge = Subscription | Purchase;

export type RecurringPricing = Extract<PricingDetails, { kind: "recurring" }>;

export function recurringItem(sub: Subscription): RecurringPricing | undefined {
  return sub.lineItems.find((li): li is RecurringPricing => li.kind === "recurring");
}

// A usage-only subscription still bills in 30-day periods.
export function subscriptionInterval(sub: Subscription): RecurringInterval {
  return recurringItem(sub)?.interval ?? "EVERY_30_DAYS";
}

export interface Metafield {
  id: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

// An image Shopify re-hosts on its CDN: the emulator's copy is served from /cdn/files/<id>.
export interface HostedImage {
  id: number;
  url: string;
  altText: string | null;
}

export interface Article {
  id: number;
  blogId: number;
  title: string;
  handle: string;
  body: string;
  summary: string | null;
  tags: string[];
  authorName: string | null;
  // The visibility switch. An article switched on is visible from publishedAt, which may be in the future
  // (scheduled with publishDate); switched off, publishedAt is null.
  isPublished: boolean;
  publishedAt: Date | null;
  templateSuffix: string | null;
  image: HostedImage | null;
  metafields: Metafield[];
  createdAt: Date;
  updatedAt: Date;
}

/** Shopify's Article.isPublished: switched on and its publish time reached. */
export function isVisible(article: Pick<Article, "isPublished" | "publishedAt">, now: Date): boolean {
  return article.isPublished && article.publishedAt !== null && article.publishedAt <= now;
}

export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface ProductSeed {
  title: string;
  handle?: string;
  descriptionHtml?: string;
  status?: ProductStatus;
  // Published to the online store (then onlineStoreUrl is set); default true for ACTIVE products.
  onlineStore?: boolean;
  imageUrl?: string;
  imageAlt?: string;
  totalInventory?: number;
  vendor?: string;
  productType?: string;
  tags?: string[];
}

export interface Product {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  status: ProductStatus;
  onlineStore: boolean;
  featuredImage: { url: string; altText: string | null } | null;
  totalInventory: number;
  vendor: string;
  productType: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

// What every store sells unless its seed says otherwise, so `npm run dev` has products to write about.
export const DEFAULT_PRODUCTS: ProductSeed[] = [
  {
    title: "Classic Leather Hiking Boots",
    descriptionHtml:
      "<p>Full-grain leather boots with a waterproof membrane and a Vibram sole, made for long days on rocky trails.</p>",
    imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/hiking-boots.jpg",
    imageAlt: "Brown leather hiking boots on a rock",
    totalInventory: 42,
    vendor: "Trailhead",
    productType: "Footwear",
    tags: ["hiking", "boots"],
  },
  {
    title: "Merino Wool Trail Socks",
    descriptionHtml:
      "<p>Cushioned merino socks that stay warm when wet and do not itch. Sold as a pack of three.</p>",
    totalInventory: 180,
    vendor: "Trailhead",
    productType: "Accessories",
    tags: ["hiking", "wool"],
  },
  {
    title: "Ultralight Two-Person Tent",
    descriptionHtml:
      "<p>A freestanding tent under 1.4 kg with two doors, two vestibules and a <strong>fully taped</strong> rainfly.</p>",
    imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/tent.jpg",
    imageAlt: "Green tent pitched by a lake",
    totalInventory: 12,
    vendor: "Summit Gear",
    productType: "Camping",
    tags: ["camping", "tent"],
  },
  {
    title: "Insulated Steel Water Bottle",
    descriptionHtml: "<p>Keeps water cold for 24 hours and coffee hot for 12. 750 ml, leak-proof lid.</p>",
    totalInventory: 95,
    vendor: "Summit Gear",
    productType: "Accessories",
    tags: ["hydration"],
  },
  {
    title: "Packable Down Jacket",
    descriptionHtml:
      "<p>800-fill responsibly sourced down in a jacket that packs into its own pocket. Water-resistant shell.</p>",
    imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/down-jacket.jpg",
    imageAlt: "Red down jacket folded next to its stuff pocket",
    totalInventory: 30,
    vendor: "Northwind",
    productType: "Apparel",
    tags: ["jacket", "insulation"],
  },
  {
    title: "Trekking Poles (Pair)",
    descriptionHtml:
      "<p>Collapsible carbon poles with cork grips and quick-lock adjustment from 100 to 135 cm.</p>",
    totalInventory: 0,
    vendor: "Summit Gear",
    productType: "Accessories",
    tags: ["hiking"],
  },
];

export interface Blog {
  id: number;
  title: string;
  handle: string;
  articles: Article[];
}

export interface ShopSeed {
  domain: string;
  partnerDevelopment: boolean;
  shopifyPlus?: boolean;
  name?: string;
  currencyCode?: string;
  // An App Store reviewer's staff store: every charge is a test charge, whatever `test` says
  // (shopify-app-template-remix #708, shopify-app-js #420). Its plan reads as `partnerDevelopment` only if
  // that is set too.
  staffReview?: boolean;
  // The online store's primary domain (Shop.url, app/uninstalled's `domain`); default `<handle>.example.com`.
  primaryDomain?: string;
  // This shop's answer to a deferred approval; default: the emulator's `deferredApproval` option.
  deferredApproval?: DeferredApproval;
  // The store's catalog; default DEFAULT_PRODUCTS.
  products?: ProductSeed[];
  // The shop's IANA time zone (shop.ianaTimezone, the shop payload's iana_timezone); default DEFAULT_TIMEZONE.
  timezone?: string;
  // The scopes the merchant granted the app, comma-separated; default the app's scopes. Fewer: a store
  // that installed the app before it asked for more (the merchant approves on the grant page).
  grantedScopes?: string;
}

export interface ShopRecord {
  id: number;
  domain: string;
  name: string;
  email: string;
  partnerDevelopment: boolean;
  shopifyPlus: boolean;
  currencyCode: string;
  installed: boolean;
  blogs: Blog[];
  staffReview: boolean;
  primaryDomain: string;
  deferredApproval?: DeferredApproval;
  // The store owner's payments fail (a declined card): approved one-time purchases stay PENDING.
  paymentsFail: boolean;
  products: Product[];
  grantedScopes: string;
  // Absent in a state file saved before shops had one: read through shopTimezone().
  timezone?: string;
}

export const DEFAULT_TIMEZONE = "Etc/UTC";

/** The shop's IANA time zone as Shopify reports it. */
export function shopTimezone(shop: ShopRecord): string {
  return shop.timezone ?? DEFAULT_TIMEZONE;
}

// Intl knows every IANA zone and throws RangeError for anything else.
function requireTimezone(zone: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    throw new Error(`Not an IANA time zone: ${zone}`);
  }
}

export interface AccessToken {
  token: string;
  shop: string;
  online: boolean;
  scope: string;
  // Wall-clock ms (like the app's own session expiry checks); undefined for non-expiring offline tokens.
  expiresAt?: number;
  userId?: number;
}

export interface RefreshToken {
  token: string;
  shop: string;
  scope: string;
  expiresAt: number;
}

// Billing time. Offset-based so tests can advance it whether or not they inject their own `now`.
export class Clock {
  private offsetMs = 0;
  constructor(private readonly source: () => Date = () => new Date()) {}
  now(): Date {
    return new Date(this.source().getTime() + this.offsetMs);
  }
  advance(ms: number): Date {
    this.offsetMs += ms;
    return this.now();
  }
}

export const DEFAULT_SHOPS: ShopSeed[] = [
  { domain: "dev-store.myshopify.com", partnerDevelopment: true, name: "Dev Store" },
  { domain: "normal-store.myshopify.com", partnerDevelopment: false, name: "Normal Store" },
];

export class EmulatorState {
  readonly shops = new Map<string, ShopRecord>();
  readonly charges = new Map<number, Charge>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  // Copies of downloaded article images (base64), by HostedImage id.
  readonly images = new Map<number, { contentType: string; base64: string }>();
  private lastId = 1000;

  constructor(
    readonly clock: Clock,
    seeds: ShopSeed[],
    // The app's scopes (shopify.app.toml): what a store grants unless its seed says otherwise.
    private readonly appScopes = "write_content",
  ) {
    for (const seed of seeds) this.addShop(seed);
  }

  // One counter for every object kind, so a bare numeric id (charge_id) is never ambiguous.
  nextId(): number {
    return ++this.lastId;
  }

  addShop(seed: ShopSeed): ShopRecord {
    const domain = seed.domain.toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain))
      throw new Error(`Not a myshopify.com domain: ${seed.domain}`);
    if (this.shops.has(domain)) throw new Error(`Shop ${domain} already exists`);
    const handle = domain.replace(".myshopify.com", "");
    const shop: ShopRecord = {
      id: this.nextId(),
      domain,
      name: seed.name ?? handle,
      email: `owner@${handle}.example`,
      partnerDevelopment: seed.partnerDevelopment,
      shopifyPlus: seed.shopifyPlus ?? false,
      currencyCode: seed.currencyCode ?? "USD",
      installed: true,
      blogs: [{ id: this.nextId(), title: "News", handle: "news", articles: [] }],
      staffReview: seed.staffReview ?? false,
      primaryDomain: (seed.primaryDomain ?? `${handle}.example.com`).toLowerCase(),
      ...(seed.deferredApproval ? { deferredApproval: seed.deferredApproval } : {}),
      paymentsFail: false,
      products: [],
      grantedScopes: seed.grantedScopes ?? this.appScopes,
      timezone: requireTimezone(seed.timezone ?? DEFAULT_TIMEZONE),
    };
    const now = this.clock.now();
    for (const product of seed.products ?? DEFAULT_PRODUCTS) shop.products.push(this.product(product, now));
    this.shops.set(domain, shop);
    return shop;
  }

  private product(seed: ProductSeed, now: Date): Product {
    const status = seed.status ?? "ACTIVE";
    return {
      id: this.nextId(),
      title: seed.title,
      handle: seed.handle ?? slug(seed.title),
      descriptionHtml: seed.descriptionHtml ?? "",
      status,
      onlineStore: seed.onlineStore ?? status === "ACTIVE",
      featuredImage: seed.imageUrl ? { url: seed.imageUrl, altText: seed.imageAlt ?? null } : null,
      totalInventory: seed.totalInventory ?? 0,
      vendor: seed.vendor ?? "",
      productType: seed.productType ?? "",
      tags: seed.tags ?? [],
      createdAt: now,
      updatedAt: now,
    };
  }

  requireShop(domain: string): ShopRecord {
    const shop = this.shops.get(domain.toLowerCase());
    if (!shop) throw new Error(`Unknown shop ${domain}`);
    return shop;
  }

  chargesOf(domain: string): Charge[] {
    return [...this.charges.values()].filter((c) => c.shop === domain);
  }

  subscriptionsOf(domain: string): Subscription[] {
    return this.chargesOf(domain).filter((c): c is Subscription => c.kind === "subscription");
  }

  purchasesOf(domain: string): Purchase[] {
    return this.chargesOf(domain).filter((c): c is Purchase => c.kind === "purchase");
  }

  revokeTokens(domain: string): void {
    for (const [token, record] of this.accessTokens)
      if (record.shop === domain) this.accessTokens.delete(token);
    for (const [token, record] of this.refreshTokens)
      if (record.shop === domain) this.refreshTokens.delete(token);
  }
}

// Shopify's handle rule: lower case, runs of anything else become one dash.
export function slug(text: string, fallback = "untitled"): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || fallback
  );
}

export function scopeList(scopes: string): string[] {
  return scopes
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

// Accepts a numeric id, its string, or a gid of the expected kind.
export function parseId(id: number | string, gidType?: string): number | undefined {
  if (typeof id === "number") return Number.isInteger(id) ? id : undefined;
  const match = /^(?:gid:\/\/shopify\/([A-Za-z]+)\/)?(\d+)$/.exec(id);
  if (!match) return undefined;
  if (match[1] !== undefined && gidType !== undefined && match[1] !== gidType) return undefined;
  return Number(match[2]);
}

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

export function chargeGid(charge: Charge): string {
  return gid(charge.kind === "subscription" ? "AppSubscription" : "AppPurchaseOneTime", charge.id);
}

// Shopify's DateTime scalar: ISO 8601 in UTC with second precision.
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
