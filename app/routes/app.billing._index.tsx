import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { billingOverview } from "../billing-page/overview.server";
import {
  cancelPlan,
  chargesAreTests,
  openSubscriptions,
  requestPlan,
  requestTopUp,
  returnUrl,
} from "../billing/charges.server";
import { recordInstall } from "../shops/life-cycle.server";
import { noticeFrom } from "../billing-page/notices";
import { FREE_PLAN, planByKey, topUpPackByKey } from "../billing/plans";
import { ACTION_LABELS } from "../ledger/action-labels";
import { isAction } from "../ledger/prices";
import { reconcileBillingIfDue } from "../billing/reconcile.server";
import db from "../db.server";
import { env } from "../env.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await recordInstall(db, session.shop);
    // Catches up on lost webhooks and skipped return visits (throttled; a Shopify failure only logs).
    await reconcileBillingIfDue(db, shop, async () => admin.graphql);
    return {
      ...(await billingOverview(db, shop.id)),
      // Banners are named by a code the server knows, never by text from the URL.
      notice: noticeFrom(new URL(request.url).searchParams),
    };
  });
};

const INTENTS = {
  subscribe: "subscribe",
  buyTopUp: "buy-top-up",
  cancel: "cancel",
} as const;

const intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal(INTENTS.subscribe), plan: z.string() }),
  z.object({ intent: z.literal(INTENTS.buyTopUp), pack: z.string() }),
  z.object({ intent: z.literal(INTENTS.cancel) }),
]);

/**
 * Every check that needs no Shopify round trip comes first (the request's shape, the plan or pack, the
 * shop's own records): bad input answers 4xx before Shopify is asked anything.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, billing, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const parsed = intent.safeParse(Object.fromEntries(await requireFormData(request)));
    if (!parsed.success) return httpError(400, "Unknown billing request");
    const shop = await requireShop(db, session.shop);
    const testCharge = () => chargesAreTests(admin.graphql, env.SHOPIFY_BILLING_TEST);
    const cancel = async () => {
      const open = await openSubscriptions(db, shop.id);
      if (open.length === 0) return httpError(400, "You have no paid plan to cancel");
      await cancelPlan(db, billing, shop.id, open, await testCharge());
      return {
        notice: "Your plan is cancelled. You keep this cycle's credits; then you are on Free.",
      };
    };

    switch (parsed.data.intent) {
      case INTENTS.subscribe: {
        const next = planByKey(parsed.data.plan);
        if (!next) return httpError(400, "No such plan");
        // Choosing Free is cancelling the paid plan.
        if (next.price === 0) return cancel();
        const current = planByKey(shop.planKey) ?? FREE_PLAN;
        if (next.key === current.key) return httpError(400, `You are already on ${next.name}`);
        return requestPlan(
          billing,
          current,
          next,
          await testCharge(),
          returnUrl(session.shop, env.SHOPIFY_API_KEY, "plan"),
        );
      }
      case INTENTS.buyTopUp: {
        const pack = topUpPackByKey(parsed.data.pack);
        if (!pack) return httpError(400, "No such top-up pack");
        return requestTopUp(
          billing,
          pack,
          await testCharge(),
          returnUrl(session.shop, env.SHOPIFY_API_KEY, "top-up"),
        );
      }
      case INTENTS.cancel:
        return cancel();
    }
  });
};

// billing.request answers the action's fetch with a thrown 401 whose X-Shopify-API-Request-Failure-
// Reauthorize-Url header sends App Bridge to Shopify's confirmation page. Under single fetch
// (remix.config.js v3_singleFetch) an action's thrown Response stays on this route (the leaf), and its
// headers reach the response only through this route's own `headers` export: without it Remix answers a
// bare 401 and the button does nothing. (app.tsx's boundary.headers only sees errors of the layout.)
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const date = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

export default function BillingPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";

  return (
    <Page title="Billing">
      <Layout>
        {data.notice && (
          <Layout.Section>
            <Banner tone={data.notice.tone}>{data.notice.text}</Banner>
          </Layout.Section>
        )}
        {result && "error" in result && (
          <Layout.Section>
            <Banner tone="critical">{result.error}</Banner>
          </Layout.Section>
        )}
        {result && "notice" in result && (
          <Layout.Section>
            <Banner tone="info">{result.notice}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {data.plan.name} plan
                </Text>
                {data.subscription?.status === "FROZEN" && <Badge tone="critical">Payment frozen</Badge>}
                {data.subscription?.test && <Badge tone="info">Test charge</Badge>}
              </InlineStack>
              <Text as="p" variant="heading2xl">
                {`${data.balance.available} credits`}
              </Text>
              <Text as="p" tone="subdued">
                {data.balance.held > 0 ? `${data.balance.held} held for work in progress. ` : ""}
                {data.cycleEnd
                  ? `${data.plan.monthlyCredits} monthly credits; unused ones expire on ${date(data.cycleEnd)}.`
                  : ""}
              </Text>
              {data.nextPlan.key !== data.plan.key && data.cycleEnd && (
                <Text as="p">{`From ${date(data.cycleEnd)} you are on ${data.nextPlan.name} (${data.nextPlan.monthlyCredits} credits a month).`}</Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 4 }} gap="400">
            {data.plans.map((plan) => (
              <Card key={plan.key}>
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    {plan.name}
                  </Text>
                  <Text as="p">{`${plan.monthlyCredits} credits / 30 days`}</Text>
                  <Text as="p" tone="subdued">
                    {plan.price === 0 ? "Free" : `$${plan.price.toFixed(2)} every 30 days`}
                  </Text>
                  <Form method="post">
                    <input type="hidden" name="intent" value={INTENTS.subscribe} />
                    <input type="hidden" name="plan" value={plan.key} />
                    <Button submit disabled={busy || plan.key === data.nextPlan.key} variant="primary">
                      {plan.key === data.plan.key
                        ? "Current plan"
                        : plan.monthlyCredits > data.plan.monthlyCredits
                          ? "Upgrade"
                          : "Downgrade"}
                    </Button>
                  </Form>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Top-ups
              </Text>
              <Text as="p" tone="subdued">
                One-time packs on top of your monthly credits. They never expire.
              </Text>
              <InlineStack gap="300">
                {data.topUpPacks.map((pack) => (
                  <Form method="post" key={pack.key}>
                    <input type="hidden" name="intent" value={INTENTS.buyTopUp} />
                    <input type="hidden" name="pack" value={pack.key} />
                    <Button
                      submit
                      disabled={busy}
                    >{`${pack.credits} credits — $${pack.price.toFixed(2)}`}</Button>
                  </Form>
                ))}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                What each action costs
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric"]}
                headings={["Action", "Credits"]}
                rows={Object.entries(data.prices).map(([action, credits]) => [
                  isAction(action) ? ACTION_LABELS[action] : action,
                  credits,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Activity Ledger
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={["Date", "Activity", "Credits", "Balance"]}
                rows={data.entries.map((entry) => [
                  date(entry.createdAt),
                  entry.draftId ? (
                    <Link key={entry.id} to={`/app/drafts/${entry.draftId}`}>
                      {`${entry.label}${entry.test ? " (test)" : ""}`}
                    </Link>
                  ) : (
                    `${entry.label}${entry.test ? " (test)" : ""}`
                  ),
                  entry.credits > 0 ? `+${entry.credits}` : String(entry.credits),
                  entry.postedAfter,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
