// The Billing page's "Usage and planning" tab: does this cycle's workload fit the plan, and what a planned
// campaign needs. A pure read: the planner's form is a GET, so its answer is this loader's, in the URL.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  List,
  Page,
  SkeletonBodyText,
  Text,
  TextField,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { ensureShopTimezone } from "../shops/timezone.server";
import { amountFormat, dayIn, forecastWorkload, type AmountFormat } from "../billing-page/forecast";
import { CAMPAIGN_FIELDS, campaignSchema, planCampaign } from "../billing-page/planner";
import { cycleUsage, type CycleUsage } from "../billing-page/usage.server";
import { CYCLE_DAYS, PLANS, TOP_UP_PACKS } from "../billing/plans";
import { BillingErrorBoundary } from "../components/BillingErrorBoundary";
import { BillingTabs } from "../components/BillingTabs";
import { EMPTY_STATE_IMAGE } from "../components/empty-state";
import { DailyChart, UsageChart } from "../components/UsageChart";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { readShopTimezone } from "../shopify/admin-api.server";
import { authenticate } from "../shopify.server";

const PLANNER_KEYS = [...CAMPAIGN_FIELDS.map((field) => field.name), "by"] as const;
type PlannerValues = Record<(typeof PLANNER_KEYS)[number], string>;

/**
 * The planner's answer for the URL's fields: nothing asked (no field in the URL), field errors, or the
 * plan. Bad fields make the page answer 400 with `{ error, fieldErrors }` in its planner part.
 */
function planner(url: URL, usage: CycleUsage, now: Date, format: AmountFormat) {
  const asked = PLANNER_KEYS.some((key) => url.searchParams.has(key));
  const values = Object.fromEntries(
    PLANNER_KEYS.map((key) => [key, url.searchParams.get(key) ?? ""]),
  ) as PlannerValues;
  if (!asked) return { values, error: null, fieldErrors: null, answer: null };
  const parsed = campaignSchema(dayIn(format.timeZone, now)).safeParse(values);
  if (!parsed.success)
    return {
      values,
      error: "Check the planner's fields",
      fieldErrors: parsed.error.flatten().fieldErrors as Partial<Record<keyof PlannerValues, string[]>>,
      answer: null,
    };
  const answer = planCampaign({
    campaign: parsed.data,
    balance: usage.balance,
    now,
    resetAt: usage.cycleEnd,
    plan: usage.plan,
    nextPlan: usage.nextPlan,
    plans: PLANS,
    packs: TOP_UP_PACKS,
    format,
  });
  return {
    values,
    error: null,
    fieldErrors: null,
    answer: {
      headline: answer.headline,
      lines: answer.lines,
      gap: answer.gap,
      options: answer.options.map((option) => ({ kind: option.kind, text: option.text })),
    },
  };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const url = new URL(request.url);
    const shop = await requireShop(db, session.shop);
    await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const now = new Date();
    const usage = await cycleUsage(db, shop.id, now);
    const format = amountFormat(url.searchParams.get("locale"), usage.timeZone);
    const forecast = forecastWorkload({
      balance: usage.balance,
      burn: usage.burn,
      now,
      resetAt: usage.cycleEnd,
      plan: usage.plan,
      plans: PLANS,
      packs: TOP_UP_PACKS,
      format,
    });
    const plan = planner(url, usage, now, format);
    const credits = (value: number) => `${format.credits(value)} ${value === 1 ? "credit" : "credits"}`;
    // Formatted here, once, so the server render and the browser show the same text.
    const page = {
      plan: usage.plan.name,
      resetsOn: format.date(usage.cycleEnd),
      spent: usage.burn.spent,
      byAction: usage.byAction.map((row) => ({
        label: row.label,
        credits: row.credits,
        creditsText: credits(row.credits),
        countText: format.credits(row.count),
      })),
      byDay: usage.byDay.map((row) => ({
        day: row.day,
        dayText: format.day(row.day),
        credits: row.credits,
      })),
      balance: {
        plan: credits(usage.balance.planLeft),
        topUp: credits(usage.balance.topUpLeft),
        held: credits(usage.balance.held),
      },
      forecast: {
        answer: forecast.answer,
        headline: forecast.headline,
        lines: forecast.lines,
        perDay: format.credits(forecast.creditsPerDay),
      },
      planner: plan,
      today: dayIn(format.timeZone, now),
    };
    return plan.error ? data(page, { status: 400 }) : page;
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

// The embedded app's own query (shop, host, …) travels with the planner's GET, as with the tabs.
const EMBEDDED_KEYS = ["shop", "host", "embedded", "locale"];

function ThisCycle() {
  const { byAction, byDay, spent, forecast, balance, plan, resetsOn } = useLoaderData<typeof loader>();
  const answerTone =
    forecast.answer === "fits" ? "success" : forecast.answer === "no-burn" ? "info" : "warning";
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            This cycle
          </Text>
          <Text as="p" tone="subdued">{`${plan} plan · resets ${resetsOn}`}</Text>
        </InlineStack>
        {spent === 0 ? (
          <EmptyState
            heading="No credits spent this cycle yet"
            action={{ content: "Write a brief", url: "/app/briefs/new" }}
            image={EMPTY_STATE_IMAGE}
          >
            <p>
              Drafts, covers, rewrites and regenerations show here by action and by day once they are charged.
            </p>
          </EmptyState>
        ) : (
          <BlockStack gap="300">
            <UsageChart
              summary={`Credits spent this cycle by action: ${byAction
                .map((row) => `${row.label}, ${row.creditsText}`)
                .join("; ")}.`}
              caption="Credits spent this cycle by action"
              headings={["Action", "Times", "Credits"]}
              bars={byAction.map((row) => ({
                label: row.label,
                value: row.credits,
                detail: `${row.creditsText} · ${row.countText}×`,
                cells: [row.countText, row.creditsText],
              }))}
            />
            <Text as="h3" variant="headingSm">
              Credits spent per day
            </Text>
            <DailyChart
              summary={`Credits spent per day this cycle: ${byDay
                .filter((row) => row.credits > 0)
                .map((row) => `${row.dayText}, ${row.credits}`)
                .join("; ")}.`}
              days={byDay}
              slots={CYCLE_DAYS}
              first={byDay[0]?.dayText ?? ""}
              last={byDay.at(-1)?.dayText ?? ""}
            />
            <Text as="p" variant="headingLg">{`${forecast.perDay} credits a day`}</Text>
          </BlockStack>
        )}
        <Text as="p" tone="subdued">
          {`Left: ${balance.plan} from your plan, ${balance.topUp} from top-ups; ${balance.held} held by work in progress.`}
        </Text>
        <Banner tone={answerTone} title={forecast.headline}>
          <List type="bullet">
            {forecast.lines.map((line) => (
              <List.Item key={line}>{line}</List.Item>
            ))}
          </List>
        </Banner>
        {(forecast.answer === "top-up" || forecast.answer === "upgrade") && (
          <InlineStack gap="200">
            <Button url="/app/billing" variant={forecast.answer === "top-up" ? "primary" : undefined}>
              Buy a top-up
            </Button>
            <Button url="/app/billing" variant={forecast.answer === "upgrade" ? "primary" : undefined}>
              Compare plans
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

function CampaignPlanner() {
  const { planner, today } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const navigation = useNavigation();
  const [values, setValues] = useState(planner.values);
  const embedded = [...new URLSearchParams(search)].filter(([key]) => EMBEDDED_KEYS.includes(key));
  const planning = navigation.state === "loading" && navigation.location.pathname === "/app/billing/usage";
  const errors = planner.fieldErrors ?? {};
  const field = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    error: errors[name]?.[0],
    autoComplete: "off",
  });

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Campaign planner
        </Text>
        <Text as="p" tone="subdued">
          What a campaign needs against the credits you have by then, and the cheapest way to cover the gap.
          Planning is free.
        </Text>
        <Form method="get" action="/app/billing/usage">
          {embedded.map(([key, value]) => (
            <input key={key} type="hidden" name={key} value={value} />
          ))}
          <FormLayout>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="300">
              {CAMPAIGN_FIELDS.map(({ name, label }) => (
                <TextField
                  key={name}
                  label={label}
                  type="number"
                  min={0}
                  inputMode="numeric"
                  {...field(name)}
                />
              ))}
              <TextField label="Done by" type="date" min={today} {...field("by")} />
            </InlineGrid>
            <Button submit variant="primary" loading={planning}>
              Plan
            </Button>
          </FormLayout>
        </Form>
        {planner.error && <Banner tone="critical">{planner.error}</Banner>}
        {planning ? (
          <SkeletonBodyText lines={3} />
        ) : (
          planner.answer && (
            <Banner tone={planner.answer.gap === 0 ? "success" : "warning"} title={planner.answer.headline}>
              <BlockStack gap="200">
                <List type="bullet">
                  {planner.answer.lines.map((line) => (
                    <List.Item key={line}>{line}</List.Item>
                  ))}
                </List>
                {planner.answer.options.length > 0 && (
                  <List type="number">
                    {planner.answer.options.map((option) => (
                      <List.Item key={option.text}>{option.text}</List.Item>
                    ))}
                  </List>
                )}
                {planner.answer.gap > 0 && (
                  <InlineStack>
                    <Button url="/app/billing">Go to plans and top-ups</Button>
                  </InlineStack>
                )}
              </BlockStack>
            </Banner>
          )
        )}
      </BlockStack>
    </Card>
  );
}

export default function UsagePage() {
  return (
    <Page title="Billing">
      <BlockStack gap="400">
        <BillingTabs />
        <Layout>
          <Layout.Section>
            <ThisCycle />
          </Layout.Section>
          <Layout.Section>
            <CampaignPlanner />
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return (
    <BillingErrorBoundary
      title="Usage could not be loaded"
      back={{ to: "/app/billing/usage", label: "Reload usage" }}
    />
  );
}
