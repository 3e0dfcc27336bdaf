import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
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
import { billingOverview } from "../billing/billing-overview.server";
import { cancelPlan, requestPlan, requestTopUp, returnUrl, chargesAreTests } from "../billing/charges.server";
import { findPlan, findTopUpPack, planByKey } from "../billing/plans";
import db from "../db.server";
import { env } from "../env.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return billingOverview(db, session.shop);
};

const intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("subscribe"), plan: z.string() }),
  z.object({ intent: z.literal("buy-top-up"), pack: z.string() }),
  z.object({ intent: z.literal("cancel") }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, billing, admin } = await authenticate.admin(request);
  const parsed = intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "Unknown billing request" }, { status: 400 });
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: session.shop } });
  const isTest = await chargesAreTests(admin.graphql, env.SHOPIFY_BILLING_TEST);
  const cancel = async () =>
    (await cancelPlan(db, billing, shop.id, isTest)) > 0
      ? { notice: "Your plan is cancelled. You keep this cycle's credits; then you are on Free." }
      : Response.json({ error: "You have no paid plan to cancel" }, { status: 400 });

  switch (parsed.data.intent) {
    case "subscribe": {
      const next = findPlan(parsed.data.plan);
      if (!next) return Response.json({ error: "No such plan" }, { status: 400 });
      // Choosing Free is cancelling the paid plan.
      if (next.price === 0) return cancel();
      const current = planByKey(shop.planKey);
      if (next.key === current.key)
        return Response.json({ error: `You are already on ${next.name}` }, { status: 400 });
      return requestPlan(
        billing,
        current,
        next,
        isTest,
        returnUrl(session.shop, env.SHOPIFY_API_KEY, "plan"),
      );
    }
    case "buy-top-up": {
      const pack = findTopUpPack(parsed.data.pack);
      if (!pack) return Response.json({ error: "No such top-up pack" }, { status: 400 });
      return requestTopUp(billing, pack, isTest, returnUrl(session.shop, env.SHOPIFY_API_KEY, "top-up"));
    }
    case "cancel":
      return cancel();
  }
};

// billing.request answers the action's fetch with a thrown 401 whose X-Shopify-API-Request-Failure-
// Reauthorize-Url header sends App Bridge to Shopify's confirmation page. Under single fetch
// (remix.config.js v3_singleFetch) an action's thrown Response stays on this route (the leaf), and its
// headers reach the response only through this route's own `headers` export: without it Remix answers a
// bare 401 and the button does nothing. (app.tsx's boundary.headers only sees errors of the layout.)
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const ACTION_LABELS: Record<string, string> = {
  "topic.research": "Topic research",
  "draft.generate": "Draft generation",
  "draft.regenerate": "Draft regeneration",
  "automation.run": "Automation run that saves a draft",
  "cover.generate": "Cover image",
  "draft.rewrite": "AI rewrite",
};

const date = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

export default function BillingPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const message = search.get("message");

  return (
    <Page title="Billing">
      <Layout>
        {message && (
          <Layout.Section>
            <Banner tone={search.get("tone") === "critical" ? "critical" : "success"}>{message}</Banner>
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
                    <input type="hidden" name="intent" value="subscribe" />
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
                    <input type="hidden" name="intent" value="buy-top-up" />
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
                  ACTION_LABELS[action] ?? action,
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
                  `${entry.action ? (ACTION_LABELS[entry.action.split("+")[0] ?? ""] ?? entry.action) : entry.type}${entry.test ? " (test)" : ""}`,
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
