import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  ProgressBar,
  SkeletonBodyText,
  Text,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { z } from "zod";
import { BillingErrorBoundary } from "../components/BillingErrorBoundary";
import { BillingTabs } from "../components/BillingTabs";
import { billingOverview, installedShop } from "../billing-page/overview.server";
import { chargesAwaitingShopify } from "../billing-page/top-up-purchases.server";
import { noticeFrom } from "../billing-page/notices";
import {
  cancelPlan,
  chargesAreTests,
  openSubscriptions,
  requestPlan,
  requestTopUp,
  returnUrl,
} from "../billing/charges.server";
import { planChange, scheduledChange, undoScheduledChange } from "../billing/plan-changes.server";
import { FREE_PLAN, planByKey, topUpPackByKey } from "../billing/plans";
import { ensureCurrentCycle } from "../billing/cycle.server";
import { reconcileBillingIfDue } from "../billing/reconcile.server";
import { recordInstall } from "../shops/life-cycle.server";
import db from "../db.server";
import { env } from "../env.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { readShopTimezone } from "../shopify/admin-api.server";
import { ensureShopTimezone } from "../shops/timezone.server";
import { pageLocale } from "../shops/locale";
import { authenticate } from "../shopify.server";

/** The embedded request's `locale` (Shopify admin's language), if it names one Intl knows; else English. */

/** Amounts in the shop's locale; money in USD, as Shopify bills apps; days in the shop's time zone. */
function formats(locale: string, timeZone: string) {
  const day = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", year: "numeric", timeZone });
  const usd = new Intl.NumberFormat(locale, { style: "currency", currency: "USD" });
  const perCredit = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: "USD",
    maximumFractionDigits: 3,
  });
  const count = new Intl.NumberFormat(locale);
  return {
    day: (date: Date | string) => day.format(new Date(date)),
    usd: (amount: number) => usd.format(amount),
    perCredit: (amount: number) => `${perCredit.format(amount)} per credit`,
    credits: (n: number) => `${count.format(n)} ${Math.abs(n) === 1 ? "credit" : "credits"}`,
    number: (n: number) => count.format(n),
  };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const now = new Date();
    // One statement on every visit after the first; recordInstall when there is work to do.
    let shop = (await installedShop(db, session.shop, now)) ?? (await recordInstall(db, session.shop, now));
    // Catches up on lost webhooks and skipped return visits (throttled; a Shopify failure only logs).
    const check = await reconcileBillingIfDue(db, shop, async () => admin.graphql, { now });
    if (check.checked) shop = await ensureCurrentCycle(db, shop.id, now);
    const timezone = await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const overview = await billingOverview(db, { ...shop, timezone }, now);
    const search = new URL(request.url).searchParams;
    const locale = pageLocale(search.get("locale"));
    return {
      ...overview,
      charges: await chargesAwaitingShopify(db, shop.id),
      locale,
      // Named by a code the server knows, never by text from the URL, and only if the state agrees.
      notice: noticeFrom(search, {
        planKey: overview.plan.key,
        nextPlanKey: overview.nextPlan.key,
        cycleEnd: overview.cycleEnd ? new Date(overview.cycleEnd) : null,
        formatDate: formats(locale, overview.timezone).day,
      }),
    };
  });
};

const INTENTS = {
  // A paid plan, upgrade or downgrade by its size (the form of earlier pages and scripts); never Free.
  subscribe: "subscribe",
  // The confirmations' intents: each says which change the owner confirmed.
  upgrade: "upgrade",
  downgrade: "downgrade",
  cancel: "cancel",
  undoScheduled: "undo-scheduled",
  buyTopUp: "buy-top-up",
} as const;

const NAMED = { upgrade: "an upgrade", downgrade: "a downgrade" } as const;

const planField = z.string({ required_error: "Choose a plan" }).min(1, "Choose a plan");
const intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal(INTENTS.subscribe), plan: planField }),
  z.object({ intent: z.literal(INTENTS.upgrade), plan: planField }),
  z.object({ intent: z.literal(INTENTS.downgrade), plan: planField }),
  z.object({ intent: z.literal(INTENTS.buyTopUp), pack: z.string({ required_error: "Choose a pack" }) }),
  z.object({ intent: z.literal(INTENTS.cancel) }),
  z.object({ intent: z.literal(INTENTS.undoScheduled) }),
]);

/**
 * Every check that needs no Shopify round trip comes first (the request's shape, the plan or pack, the
 * shop's own records): bad input answers 4xx before Shopify is asked anything.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, billing, admin, redirect } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const parsed = intent.safeParse(Object.fromEntries(await requireFormData(request)));
    if (!parsed.success)
      return httpError(400, "Unknown billing request", {
        fieldErrors: parsed.error.flatten().fieldErrors,
      });
    const shop = await requireShop(db, session.shop);
    const held = await db.subscription.findMany({ where: { shopId: shop.id } });
    const day = formats(
      pageLocale(new URL(request.url).searchParams.get("locale")),
      shop.timezone ?? "UTC",
    ).day;
    const current = planByKey(shop.planKey) ?? FREE_PLAN;
    const scheduled = scheduledChange(shop, held);
    const testCharge = () => chargesAreTests(admin.graphql, env.SHOPIFY_BILLING_TEST);
    const planReturn = () => returnUrl(session.shop, env.SHOPIFY_API_KEY, "plan");

    const cancel = async () => {
      const open = await openSubscriptions(db, shop.id);
      if (open.length === 0) return httpError(400, "You have no paid plan to cancel");
      await cancelPlan(db, billing, shop.id, open, await testCharge());
      const until = shop.cycleEnd ? ` until ${day(shop.cycleEnd)}` : "";
      return {
        notice: `${current.name} is cancelled. You keep this cycle's credits${until}; then you are on Free.`,
      };
    };

    switch (parsed.data.intent) {
      case INTENTS.subscribe:
      case INTENTS.upgrade:
      case INTENTS.downgrade: {
        const asked = parsed.data.intent;
        const next = planByKey(parsed.data.plan);
        if (!next) return httpError(400, "No such plan", { fieldErrors: { plan: ["No such plan"] } });
        if (next.price === 0) {
          // Only the cancel confirmation ends a paid plan: a bare "subscribe" to Free is not one.
          if (asked === INTENTS.downgrade) return cancel();
          return httpError(400, "To move to Free, cancel your plan (it asks you to confirm first)");
        }
        const change = planChange(current, next);
        if (change === "same")
          return httpError(
            400,
            scheduled
              ? `You are on ${next.name} until ${day(scheduled.from)}: undo the scheduled change to keep it`
              : `You are already on ${next.name}`,
          );
        if (asked !== INTENTS.subscribe && asked !== change)
          return httpError(
            400,
            `${next.name} is ${NAMED[change]} from ${current.name}, not ${NAMED[asked]}`,
            {
              fieldErrors: { plan: [`${next.name} is ${NAMED[change]}`] },
            },
          );
        if (scheduled?.plan.key === next.key)
          return httpError(400, `${next.name} is already scheduled from ${day(scheduled.from)}`);
        return requestPlan(billing, current, next, await testCharge(), planReturn());
      }
      case INTENTS.buyTopUp: {
        const pack = topUpPackByKey(parsed.data.pack);
        if (!pack)
          return httpError(400, "No such top-up pack", { fieldErrors: { pack: ["No such top-up pack"] } });
        const confirmationUrl = await requestTopUp(
          db,
          admin.graphql,
          shop.id,
          pack,
          await testCharge(),
          returnUrl(session.shop, env.SHOPIFY_API_KEY, "top-up"),
        );
        if (!confirmationUrl) return httpError(422, "Shopify gave no page to approve this top-up on");
        // As billing.request does: App Bridge sends the admin (the top window) to the confirmation page.
        return redirect(confirmationUrl, { target: "_top" });
      }
      case INTENTS.cancel:
        return cancel();
      case INTENTS.undoScheduled: {
        const result = await undoScheduledChange(db, billing, shop.id, {
          testCharge: await testCharge(),
          returnUrl: planReturn(),
        });
        if (!result.undone) return httpError(400, "No plan change is scheduled");
        return {
          notice: `You stay on ${result.plan.name}: the change to ${result.cancelled.name} is undone.`,
        };
      }
    }
  });
};

// billing.request answers the action's fetch with a thrown 401 whose X-Shopify-API-Request-Failure-
// Reauthorize-Url header sends App Bridge to Shopify's confirmation page. Under single fetch
// (remix.config.js v3_singleFetch) an action's thrown Response stays on this route (the leaf), and its
// headers reach the response only through this route's own `headers` export: without it Remix answers a
// bare 401 and the button does nothing. (app.tsx's boundary.headers only sees errors of the layout.)
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Format = ReturnType<typeof formats>;
type PlanRow = Data["plans"][number];

/** A change the owner is about to confirm: what it does to this cycle's credits, and when. */
type Pending =
  { intent: "upgrade" | "downgrade"; plan: PlanRow } | { intent: "cancel" } | { intent: "undo-scheduled" };

function confirmation(pending: Pending, data: Data, f: Format) {
  const { plan: current, balance } = data;
  const end = data.cycleEnd ? f.day(data.cycleEnd) : "the end of this cycle";
  switch (pending.intent) {
    case "upgrade": {
      const next = pending.plan;
      return {
        title: `Upgrade to ${next.name}?`,
        action: `Upgrade to ${next.name}`,
        body: [
          `${next.name} starts at once: this cycle is topped up to ${f.credits(next.monthlyCredits)} less the ${f.number(balance.plan.used)} already used, so you have ${f.credits(next.monthlyCredits - balance.plan.used)} of plan credits now.`,
          `Shopify asks you to approve ${f.usd(next.price)} every 30 days; your billing period starts again today.`,
        ],
      };
    }
    case "downgrade": {
      const next = pending.plan;
      return {
        title: `Downgrade to ${next.name}?`,
        action: `Downgrade to ${next.name}`,
        body: [
          `From ${end} you are on ${next.name}: ${f.credits(next.monthlyCredits)} a month for ${f.usd(next.price)}.`,
          `Until then you stay on ${current.name} and keep this cycle's ${f.credits(balance.plan.left)}. Shopify asks you to approve the change.`,
        ],
      };
    }
    case "cancel":
      return {
        title: `Cancel ${current.name}?`,
        action: "Cancel plan",
        body: [
          `You keep this cycle's ${f.credits(balance.plan.left)} until ${end}, then you are on Free: ${f.credits(FREE_PLAN.monthlyCredits)} a month.`,
          "Top-up credits never expire. Shopify stops billing the plan now.",
        ],
      };
    case "undo-scheduled": {
      const scheduled = data.scheduled!;
      const what = scheduled.kind === "cancel" ? "the cancellation" : `the change to ${scheduled.plan.name}`;
      return {
        title: `Keep ${current.name}?`,
        action: `Keep ${current.name}`,
        body:
          scheduled.undo === "cancel-waiting"
            ? [
                `You stay on ${current.name}: ${what} is cancelled on Shopify, and nothing is charged.`,
                `From ${end} the next cycle carries ${f.credits(current.monthlyCredits)}.`,
              ]
            : [
                `Shopify already ended ${current.name}'s billing, so it asks you to approve ${current.name} again: ${f.usd(current.price)} every 30 days from today.`,
                `This cycle's credits stay as they are.`,
              ],
      };
    }
  }
}

const STATUS = {
  free: { tone: undefined, label: "Free" },
  active: { tone: "success", label: "Active" },
  pending: { tone: "attention", label: "Pending approval" },
  frozen: { tone: "critical", label: "Frozen" },
  cancelled: { tone: "warning", label: "Cancelled" },
} as const;

const BalanceCard = memo(function BalanceCard({
  data,
  f,
  loading,
}: {
  data: Data;
  f: Format;
  loading: boolean;
}) {
  const { balance } = data;
  const used = balance.plan.allowance ? (balance.plan.used / balance.plan.allowance) * 100 : 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Balance
        </Text>
        {loading ? (
          <SkeletonBodyText lines={4} />
        ) : (
          <>
            <Text as="p" variant="heading2xl" id="balance-available">
              {f.credits(balance.available)}
            </Text>
            <Text as="p" tone="subdued">
              available now
              {balance.held > 0 ? ` · ${f.credits(balance.held)} held by work in progress` : ""}
            </Text>
            {balance.polishingReserve > 0 && (
              <Text as="p" tone="subdued">
                {`${f.credits(balance.polishingReserve)} kept as your polishing reserve: automations never spend below it. `}
                <Link to="/app/billing/alerts">Change</Link>
              </Text>
            )}
            <BlockStack gap="100">
              <InlineStack align="space-between" gap="200" wrap>
                <Text as="h3" variant="headingSm">
                  {`Plan credits (${balance.plan.name})`}
                </Text>
                <Text as="span">{`${f.number(balance.plan.used)} of ${f.number(balance.plan.allowance)} used`}</Text>
              </InlineStack>
              <ProgressBar progress={used} size="small" ariaLabelledBy="plan-credits-used" />
              <Text as="p" tone="subdued" id="plan-credits-used">
                {balance.plan.resetsAt
                  ? `${f.credits(balance.plan.left)} left; unused ones expire and the allowance resets on ${f.day(balance.plan.resetsAt)}.`
                  : `${f.credits(balance.plan.left)} left.`}
              </Text>
            </BlockStack>
            <InlineStack align="space-between" gap="200" wrap>
              <Text as="h3" variant="headingSm">
                Top-up credits
              </Text>
              <Text as="span">{`${f.credits(balance.topUp)} · never expire`}</Text>
            </InlineStack>
            {balance.other > 0 && (
              <InlineStack align="space-between" gap="200" wrap>
                <Text as="h3" variant="headingSm">
                  Adjustments
                </Text>
                <Text as="span">{f.credits(balance.other)}</Text>
              </InlineStack>
            )}
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                Credit lots, in the order they are spent
              </Text>
              {balance.lots.length === 0 ? (
                <Text as="p" tone="subdued">
                  No credits left to spend. Buy a top-up or upgrade your plan.
                </Text>
              ) : (
                <ol style={{ margin: 0, paddingInlineStart: "1.25rem" }} aria-label="Credit lots">
                  {balance.lots.map((lot) => (
                    <li key={lot.id}>
                      <InlineStack gap="200" wrap blockAlign="center">
                        <Text as="span" fontWeight="medium">
                          {lot.label}
                        </Text>
                        <Text as="span">{`${f.number(lot.remaining)} of ${f.number(lot.amount)} left`}</Text>
                        <Text as="span" tone="subdued">
                          {lot.expiresAt ? `expires ${f.day(lot.expiresAt)}` : "never expires"}
                        </Text>
                        {lot.test && <Badge tone="info">Test charge</Badge>}
                      </InlineStack>
                    </li>
                  ))}
                </ol>
              )}
            </BlockStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
});

const CostsCard = memo(function CostsCard({ data, f }: { data: Data; f: Format }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          What each action costs
        </Text>
        <ul style={{ margin: 0, padding: 0, listStyle: "none" }} aria-label="Prices">
          {data.prices.map((price) => (
            <li key={price.action}>
              <InlineStack align="space-between" gap="200">
                <Text as="span">{price.label}</Text>
                <Text as="span" fontWeight="medium">
                  {price.credits === 0 ? "Free" : f.credits(price.credits)}
                </Text>
              </InlineStack>
            </li>
          ))}
        </ul>
        <Text as="p" tone="subdued">
          Topic research is free: tighten a brief there before spending credits on regeneration.
        </Text>
      </BlockStack>
    </Card>
  );
});

const PlanCard = memo(function PlanCard({
  data,
  f,
  busy,
  confirm,
}: {
  data: Data;
  f: Format;
  busy: boolean;
  confirm: (pending: Pending) => void;
}) {
  const status = STATUS[data.status];
  const declined = data.charges.declinedPlan;
  const change = declined && data.plans.find((plan) => plan.key === declined.key)?.change;
  const declinedChange =
    change === "upgrade"
      ? `The upgrade to ${declined?.name}`
      : change === "downgrade"
        ? `The change to ${declined?.name}`
        : `Keeping ${declined?.name}`;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center" wrap>
          <Text as="h2" variant="headingMd">
            {`${data.plan.name} plan`}
          </Text>
          <Badge tone={status.tone}>{status.label}</Badge>
          {data.subscription?.test && <Badge tone="info">Test charge</Badge>}
        </InlineStack>
        {data.status === "frozen" && (
          <Banner tone="critical" title="Shopify froze this plan">
            The store&apos;s Shopify bill is unpaid. Pay it in Shopify admin under Settings → Billing; the
            plan resumes when Shopify unfreezes it. Until then the next cycle is Free.
          </Banner>
        )}
        {data.status === "pending" && (
          <Text as="p">Shopify is waiting for the plan&apos;s approval on its confirmation page.</Text>
        )}
        {declined && (
          <Banner tone="warning" title={`${declinedChange} was declined in Shopify`}>
            {`Nothing changed: you are on ${data.plan.name} with the same credits. Choose ${declined.name} again below to change plan.`}
          </Banner>
        )}
        {data.scheduled ? (
          <Banner
            tone="warning"
            title={
              data.scheduled.kind === "cancel"
                ? `From ${f.day(data.scheduled.from)} you are on Free`
                : `From ${f.day(data.scheduled.from)} you are on ${data.scheduled.plan.name}`
            }
          >
            <BlockStack gap="200">
              <Text as="p">{`Until then you stay on ${data.plan.name} with this cycle's credits.`}</Text>
              <InlineStack>
                <Button disabled={busy} onClick={() => confirm({ intent: "undo-scheduled" })}>
                  {data.scheduled.kind === "cancel" ? "Undo cancellation" : "Undo downgrade"}
                </Button>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : (
          data.cycleEnd &&
          data.status === "active" && <Text as="p">{`Renews on ${f.day(data.cycleEnd)}.`}</Text>
        )}
        <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="300">
          {data.plans.map((plan) => (
            <Box key={plan.key} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {plan.name}
                </Text>
                <Text as="p">{`${f.credits(plan.monthlyCredits)} / 30 days`}</Text>
                <Text as="p" tone="subdued">
                  {plan.price === 0 ? "Free" : `${f.usd(plan.price)} every 30 days`}
                </Text>
                <Text as="p" tone="subdued">
                  {plan.price === 0 ? "—" : f.perCredit(plan.pricePerCredit)}
                </Text>
                <Box paddingBlockStart="100">
                  {plan.change === "same" ? (
                    <Text as="p" fontWeight="semibold">
                      Current plan
                    </Text>
                  ) : data.scheduled?.plan.key === plan.key ? (
                    <Text as="p" fontWeight="semibold">
                      {`Starts ${f.day(data.scheduled.from)}`}
                    </Text>
                  ) : plan.price === 0 ? (
                    <Button disabled={busy} tone="critical" onClick={() => confirm({ intent: "cancel" })}>
                      Cancel plan
                    </Button>
                  ) : (
                    <Button
                      disabled={busy}
                      variant={plan.change === "upgrade" ? "primary" : "secondary"}
                      accessibilityLabel={`${plan.change === "upgrade" ? "Upgrade" : "Downgrade"} to ${plan.name}`}
                      onClick={() => confirm({ intent: plan.change as "upgrade" | "downgrade", plan })}
                    >
                      {plan.change === "upgrade" ? "Upgrade" : "Downgrade"}
                    </Button>
                  )}
                </Box>
              </BlockStack>
            </Box>
          ))}
        </InlineGrid>
      </BlockStack>
    </Card>
  );
});

const TopUpCard = memo(function TopUpCard({ data, f, busy }: { data: Data; f: Format; busy: boolean }) {
  const submit = useSubmit();
  const planPerCredit = data.plans.find((plan) => plan.key === data.plan.key)?.pricePerCredit ?? 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Top-up packs
        </Text>
        <Text as="p" tone="subdued">
          {`One-time packs on top of your plan's credits. They never expire. ${
            data.plan.price > 0
              ? `Your plan's credits cost ${f.perCredit(planPerCredit)}.`
              : `Paid plans' credits cost from ${f.perCredit(Math.min(...data.plans.filter((p) => p.price > 0).map((p) => p.pricePerCredit)))}.`
          }`}
        </Text>
        {data.charges.pendingTopUps.length > 0 && (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Waiting for Shopify
            </Text>
            <ul style={{ margin: 0, padding: 0, listStyle: "none" }} aria-label="Pending top-ups">
              {data.charges.pendingTopUps.map((purchase) => (
                <li key={purchase.id}>
                  <InlineStack gap="200" wrap blockAlign="center">
                    <Text as="span">{`${f.credits(purchase.credits)}: waiting for approval in Shopify`}</Text>
                    {purchase.test && <Badge tone="info">Test charge</Badge>}
                    {purchase.approvalUrl && (
                      // The admin (the top window) opens Shopify's confirmation page, as after Buy.
                      <Button
                        variant="plain"
                        url={purchase.approvalUrl}
                        target="_top"
                        accessibilityLabel={`Approve ${f.credits(purchase.credits)} in Shopify`}
                      >
                        Approve in Shopify
                      </Button>
                    )}
                  </InlineStack>
                </li>
              ))}
            </ul>
          </BlockStack>
        )}
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
          {data.topUpPacks.map((pack) => (
            <Box key={pack.key} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {f.credits(pack.credits)}
                </Text>
                <Text as="p">{f.usd(pack.price)}</Text>
                <Text as="p" tone="subdued">
                  {f.perCredit(pack.pricePerCredit)}
                </Text>
                <InlineStack>
                  <Button
                    disabled={busy}
                    accessibilityLabel={`Buy ${f.credits(pack.credits)} for ${f.usd(pack.price)}`}
                    onClick={() => submit({ intent: INTENTS.buyTopUp, pack: pack.key }, { method: "post" })}
                  >
                    Buy
                  </Button>
                </InlineStack>
              </BlockStack>
            </Box>
          ))}
        </InlineGrid>
      </BlockStack>
    </Card>
  );
});

const RecentCard = memo(function RecentCard({ data, f }: { data: Data; f: Format }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()])
    if (!["shop", "host", "embedded", "locale"].includes(key)) params.delete(key);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Recent activity
        </Text>
        {data.recent.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing yet: grants and spends show here as they happen.
          </Text>
        ) : (
          <ul style={{ margin: 0, padding: 0, listStyle: "none" }} aria-label="Recent activity">
            {data.recent.map((entry) => (
              <li key={entry.id}>
                <InlineStack align="space-between" gap="200" wrap={false} blockAlign="start">
                  <BlockStack gap="0">
                    <Text as="span">
                      {entry.draftId ? (
                        <Link to={`/app/drafts/${entry.draftId}`}>{entry.label}</Link>
                      ) : (
                        entry.label
                      )}
                      {entry.test ? " (test)" : ""}
                    </Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {f.day(entry.createdAt)}
                    </Text>
                  </BlockStack>
                  <Text as="span" fontWeight="medium">
                    {`${entry.credits > 0 ? "+" : ""}${f.number(entry.credits)}`}
                  </Text>
                </InlineStack>
              </li>
            ))}
          </ul>
        )}
        <InlineStack>
          <Link to={`/app/billing/activity${params.size ? `?${params}` : ""}`}>See the Activity Ledger</Link>
        </InlineStack>
      </BlockStack>
    </Card>
  );
});

const Tabs = memo(BillingTabs);

export default function BillingPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/billing";
  const submit = useSubmit();
  const location = useLocation();
  const shopify = useAppBridge();
  // The cards are memoized and `f` is kept, so opening or closing the plan confirmation renders the modal,
  // not every card (it was the page's slowest interaction: docs/benchmarks.md, "Billing page in the browser").
  const f = useMemo(() => formats(data.locale, data.timezone), [data.locale, data.timezone]);
  const [pending, setPending] = useState<Pending | null>(null);
  const notice = result && "notice" in result ? result.notice : null;

  // Successes are toasts (App Bridge); what needs the owner's attention stays on the page as a banner.
  // Each one once: per visit of the page (its location key) or per action answer, however often React
  // runs the effect (StrictMode runs it twice in development).
  const toasted = useRef(new Set<unknown>());
  useEffect(() => {
    const once = (key: unknown, text: string) => {
      if (toasted.current.has(key)) return;
      toasted.current.add(key);
      shopify.toast.show(text);
    };
    if (data.notice?.toast) once(location.key, data.notice.text);
    if (notice && result) once(result, notice);
  }, [data.notice, notice, result, location.key, shopify]);

  const confirmed = pending && confirmation(pending, data, f);
  return (
    <Page title="Billing">
      <BlockStack gap="400">
        <Tabs />
        <Layout>
          {data.notice && !data.notice.toast && (
            <Layout.Section>
              <Banner tone={data.notice.tone}>{data.notice.text}</Banner>
            </Layout.Section>
          )}
          {result && "error" in result && (
            <Layout.Section>
              <Banner tone="critical">{result.error}</Banner>
            </Layout.Section>
          )}
          <Layout.Section>
            <BlockStack gap="400">
              <BalanceCard data={data} f={f} loading={loading} />
              <PlanCard data={data} f={f} busy={busy} confirm={setPending} />
              <TopUpCard data={data} f={f} busy={busy} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <CostsCard data={data} f={f} />
              <RecentCard data={data} f={f} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
      {pending && confirmed && (
        <Modal
          open
          onClose={() => setPending(null)}
          title={confirmed.title}
          primaryAction={{
            content: confirmed.action,
            destructive: pending.intent !== "upgrade",
            loading: busy,
            onAction: () => {
              submit(
                "plan" in pending
                  ? { intent: pending.intent, plan: pending.plan.key }
                  : { intent: pending.intent },
                { method: "post" },
              );
              setPending(null);
            },
          }}
          secondaryActions={[{ content: "Not now", onAction: () => setPending(null) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              {confirmed.body.map((line) => (
                <Text as="p" key={line}>
                  {line}
                </Text>
              ))}
            </BlockStack>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}

export function ErrorBoundary() {
  return (
    <BillingErrorBoundary
      title="Billing could not be loaded"
      back={{ to: "/app/billing", label: "Reload Billing" }}
    />
  );
}
