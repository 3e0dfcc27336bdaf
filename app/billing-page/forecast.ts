// "Does the workload fit the plan?": from this cycle's burn rate, when the credits run out against the
// reset, and the cheapest fix, with the arithmetic as sentences a merchant can check. Pure and
// deterministic: the same input gives the same answer, in the locale and time zone it is given.
import { pageLocale, usableTimezone } from "../shops/locale";
import { CYCLE_DAYS, type Plan, type TopUpPack } from "../billing/plans";

const DAY_MS = 24 * 60 * 60 * 1000;
// Credits per day are fractions; a shortfall of 2.0000000001 credits is 2, not 3.
const EPSILON = 1e-9;

/** Credits the shop can spend, by where they come from, and those held by work in progress. */
export interface BalanceSplit {
  /** This cycle's allowance (and any upgrade top) still unspent: expires at the reset. */
  planLeft: number;
  /** Top-up packs (and other grants without an end): never expire. */
  topUpLeft: number;
  held: number;
}

/** Numbers, USD amounts and dates as the merchant reads them: their locale, the shop's time zone. */
export interface AmountFormat {
  locale: string;
  timeZone: string;
  credits(value: number): string;
  usd(cents: number): string;
  date(value: Date): string;
  /** A calendar day given as YYYY-MM-DD (already in the shop's time zone). */
  day(value: string): string;
}

/** A locale the runtime knows, else "en"; a time zone it knows, else UTC. */
export function amountFormat(locale: string | null | undefined, timeZone: string | null | undefined) {
  const safeLocale = pageLocale(locale);
  const safeZone = usableTimezone(timeZone);
  const credits = new Intl.NumberFormat(safeLocale, { maximumFractionDigits: 1 });
  const usd = new Intl.NumberFormat(safeLocale, { style: "currency", currency: "USD" });
  const date = new Intl.DateTimeFormat(safeLocale, { month: "short", day: "numeric", timeZone: safeZone });
  const day = new Intl.DateTimeFormat(safeLocale, { month: "short", day: "numeric", timeZone: "UTC" });
  return {
    locale: safeLocale,
    timeZone: safeZone,
    credits: (value: number) => credits.format(value),
    usd: (cents: number) => usd.format(cents / 100),
    date: (value: Date) => date.format(value),
    day: (value: string) => day.format(new Date(`${value}T00:00:00Z`)),
  } satisfies AmountFormat;
}

/** The calendar day `at` falls on in `timeZone`, as YYYY-MM-DD (sorts as it reads). */
export function dayIn(timeZone: string, at: Date) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export const cents = (usd: number) => Math.round(usd * 100);

export interface PackCount {
  pack: TopUpPack;
  count: number;
}

export interface PackChoice {
  packs: PackCount[];
  credits: number;
  cents: number;
}

/**
 * The cheapest set of top-up packs giving at least `credits` (several of one pack allowed); on a tie, the
 * one giving more credits. Exact: a dynamic program over the credits, after taking out the bulk that an
 * optimal set buys in the pack with the lowest price per credit (an optimal set holds fewer than
 * `best.credits` of each other pack, else swapping them for best packs gives as many credits for no more).
 */
export function cheapestPacks(credits: number, packs: readonly TopUpPack[]): PackChoice {
  const usable = packs.filter((pack) => pack.credits > 0);
  if (usable.length === 0) throw new RangeError("the catalogue has no top-up pack");
  const wanted = Math.max(0, Math.ceil(credits - EPSILON));
  const best = usable.reduce((a, b) =>
    cents(b.price) * a.credits < cents(a.price) * b.credits ||
    (cents(b.price) * a.credits === cents(a.price) * b.credits && b.credits > a.credits)
      ? b
      : a,
  );
  const others = usable
    .filter((pack) => pack !== best)
    .reduce((sum, pack) => sum + (best.credits - 1) * pack.credits, 0);
  const bulk = wanted > others + best.credits ? Math.floor((wanted - others) / best.credits) : 0;
  const rest = wanted - bulk * best.credits;

  // cost[c]: the cheapest way to get at least c credits; got[c] how many it gives; last[c] its last pack.
  const cost = new Array<number>(rest + 1).fill(0);
  const got = new Array<number>(rest + 1).fill(0);
  const last = new Array<number>(rest + 1).fill(-1);
  for (let c = 1; c <= rest; c++) {
    cost[c] = Infinity;
    usable.forEach((pack, index) => {
      const before = Math.max(0, c - pack.credits);
      const price = cost[before]! + cents(pack.price);
      const gives = got[before]! + pack.credits;
      if (price < cost[c]! || (price === cost[c]! && gives > got[c]!)) {
        cost[c] = price;
        got[c] = gives;
        last[c] = index;
      }
    });
  }
  const counts = new Map<TopUpPack, number>(bulk > 0 ? [[best, bulk]] : []);
  for (let c = rest; c > 0; c = Math.max(0, c - usable[last[c]!]!.credits)) {
    const pack = usable[last[c]!]!;
    counts.set(pack, (counts.get(pack) ?? 0) + 1);
  }
  const chosen = [...counts]
    .map(([pack, count]) => ({ pack, count }))
    .sort((a, b) => b.pack.credits - a.pack.credits);
  return {
    packs: chosen,
    credits: chosen.reduce((sum, { pack, count }) => sum + pack.credits * count, 0),
    cents: chosen.reduce((sum, { pack, count }) => sum + cents(pack.price) * count, 0),
  };
}

/** "a top-up of 100 credits", "top-ups of 225 credits (2 × 100, 1 × 25)". */
export function describePacks(choice: PackChoice, format: AmountFormat) {
  const [only, ...more] = choice.packs;
  if (only && more.length === 0 && only.count === 1)
    return `a top-up of ${format.credits(only.pack.credits)} credits`;
  const parts = choice.packs.map(({ pack, count }) => `${count} × ${format.credits(pack.credits)}`);
  return `top-ups of ${format.credits(choice.credits)} credits (${parts.join(", ")})`;
}

export interface ForecastInput {
  balance: BalanceSplit;
  /** Credits spent this cycle, over the days elapsed since its start (at least 1). */
  burn: { spent: number; days: number };
  now: Date;
  /** When this cycle's plan credits expire and the next allowance is granted. */
  resetAt: Date;
  plan: Plan;
  plans: readonly Plan[];
  packs: readonly TopUpPack[];
  format: AmountFormat;
}

interface Answer {
  headline: string;
  /** The arithmetic, one step a sentence. */
  lines: string[];
  creditsPerDay: number;
  runOutAt: Date | null;
  resetAt: Date;
}

export type Forecast =
  | (Answer & { answer: "no-burn" })
  | (Answer & { answer: "fits" })
  | (Answer & { answer: "top-up"; shortfall: number; buy: PackChoice; buyBy: Date })
  | (Answer & { answer: "upgrade"; shortfall: number; to: Plan; savesCents: number });

/** What covering `monthly` credits a month costs on `plan`: its price plus the packs for the rest. */
function monthlyCost(plan: Plan, monthly: number, packs: readonly TopUpPack[]) {
  const extra = Math.max(0, monthly - plan.monthlyCredits);
  const topUps = extra > 0 ? cheapestPacks(extra, packs) : null;
  return { plan, topUps, cents: cents(plan.price) + (topUps?.cents ?? 0) };
}

export function forecastWorkload(input: ForecastInput): Forecast {
  const { balance, burn, now, resetAt, plan, format: f } = input;
  // "1 credit", "4.2 credits", "1 day": English sentences, English plurals.
  const n = (value: number, unit: "credit" | "day") =>
    `${f.credits(value)} ${f.credits(value) === "1" ? unit : `${unit}s`}`;
  const days = Math.max(1, burn.days);
  const perDay = Math.max(0, burn.spent) / days;
  const left = balance.planLeft + balance.topUpLeft;
  const leftLine =
    left === 0
      ? "You have no credits left."
      : `You have ${n(left, "credit")} (${f.credits(balance.planLeft)} from your plan, ${f.credits(balance.topUpLeft)} from top-ups).`;
  const heldLine =
    balance.held > 0
      ? [
          `${f.credits(balance.held)} more ${balance.held === 1 ? "credit is" : "credits are"} held by work in progress.`,
        ]
      : [];

  if (perDay === 0)
    return {
      answer: "no-burn",
      headline: "No credits spent this cycle yet, so there is no rate to forecast from.",
      lines: [leftLine, ...heldLine, `Your plan credits reset on ${f.date(resetAt)}.`],
      creditsPerDay: 0,
      runOutAt: null,
      resetAt,
    };

  const daysLeft = Math.max(0, (resetAt.getTime() - now.getTime()) / DAY_MS);
  const lastsDays = left / perDay;
  const runOutAt = new Date(now.getTime() + lastsDays * DAY_MS);
  const needed = perDay * daysLeft;
  const shortfall = Math.max(0, Math.ceil(needed - left - EPSILON));
  const lines = [
    `You spent ${n(burn.spent, "credit")} in ${n(days, "day")}: ${n(perDay, "credit")} a day.`,
    leftLine,
    ...heldLine,
    ...(left > 0
      ? [`At ${f.credits(perDay)} a day they last ${n(lastsDays, "day")}, until ${f.date(runOutAt)}.`]
      : []),
    `Your credits reset on ${f.date(resetAt)}, in ${n(daysLeft, "day")}: until then you need ${n(Math.ceil(needed - EPSILON), "credit")}.`,
  ];
  const base = { creditsPerDay: perDay, runOutAt, resetAt };

  if (shortfall === 0)
    return {
      ...base,
      answer: "fits",
      headline: "Your workload fits: your credits last until the reset.",
      lines: [...lines, `That is ${f.credits(left - Math.ceil(needed - EPSILON))} to spare.`],
    };

  lines.push(`You are ${n(shortfall, "credit")} short.`);
  // The month a merchant pays for: this rate over a whole cycle, on this plan vs each larger plan.
  const monthly = Math.ceil(perDay * CYCLE_DAYS - EPSILON);
  const current = monthlyCost(plan, monthly, input.packs);
  const cheaper = input.plans
    .filter((other) => other.monthlyCredits > plan.monthlyCredits)
    .map((other) => monthlyCost(other, monthly, input.packs))
    .reduce<ReturnType<typeof monthlyCost> | null>(
      (best, option) => (!best || option.cents < best.cents ? option : best),
      null,
    );
  if (cheaper && cheaper.cents < current.cents) {
    const costLine = (option: typeof current) =>
      option.topUps
        ? `${f.usd(cents(option.plan.price))} + ${f.usd(option.topUps.cents)} for ${describePacks(option.topUps, f)} = ${f.usd(option.cents)} a month`
        : `${f.usd(option.cents)} a month`;
    const savesCents = current.cents - cheaper.cents;
    return {
      ...base,
      answer: "upgrade",
      shortfall,
      to: cheaper.plan,
      savesCents,
      headline: `Upgrade to ${cheaper.plan.name}: at this rate it saves ${f.usd(savesCents)} a month.`,
      lines: [
        ...lines,
        `At this rate you spend ${f.credits(monthly)} credits a month (${f.credits(perDay)} × ${CYCLE_DAYS} days).`,
        `On ${plan.name} (${f.credits(plan.monthlyCredits)} credits a month) that costs ${costLine(current)}.`,
        `On ${cheaper.plan.name} (${f.credits(cheaper.plan.monthlyCredits)} credits a month) it costs ${costLine(cheaper)}.`,
        `Upgrading now adds ${f.credits(cheaper.plan.monthlyCredits - plan.monthlyCredits)} credits to this cycle.`,
      ],
    };
  }

  const buy = cheapestPacks(shortfall, input.packs);
  const buyBy = runOutAt.getTime() > now.getTime() ? runOutAt : now;
  const when = buyBy === now ? "now" : `before ${f.date(buyBy)}`;
  return {
    ...base,
    answer: "top-up",
    shortfall,
    buy,
    buyBy,
    headline: `Buy ${describePacks(buy, f)} ${when}.`,
    lines: [
      ...lines,
      `${capitalise(describePacks(buy, f))} (${f.usd(buy.cents)}) covers them; top-up credits never expire.`,
    ],
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
