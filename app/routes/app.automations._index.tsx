// Automations: each scheduled writer of the shop with its schedule in words, when it runs next (shop time),
// how its last run went, what it spent this month against its budget and how many topics wait.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { listAutomations } from "../automations/automations.server";
import { creditsText, shopTimeFormat } from "../automations/page-text";
import { AutomationErrorBoundary } from "../components/AutomationErrorBoundary";
import { AutomationStatusBadge, RunOutcomeBadge } from "../components/AutomationBadges";
import { EMPTY_STATE_IMAGE } from "../components/empty-state";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { PRICES } from "../ledger/prices";
import { readShopTimezone } from "../shopify/admin-api.server";
import { pageLocale } from "../shops/locale";
import { ensureShopTimezone } from "../shops/timezone.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await requireShop(db, session.shop);
    const timeZone = await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const when = shopTimeFormat(pageLocale(new URL(request.url).searchParams.get("locale")), timeZone);
    const automations = await listAutomations(db, shop.id);
    return {
      timeZone,
      automations: automations.map((automation) => ({
        id: automation.id,
        name: automation.name,
        status: automation.status,
        scheduleText: automation.scheduleText,
        next: automation.nextSlotAt ? when.format(new Date(automation.nextSlotAt)) : null,
        lastRun: automation.lastRun
          ? {
              status: automation.lastRun.status,
              when: when.format(new Date(automation.lastRun.slot)),
              reason: automation.lastRun.reason,
            }
          : null,
        spent: automation.spentThisMonth,
        budget: automation.monthlyBudget,
        topicsWaiting: automation.topicsWaiting,
      })),
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const CREATE = { content: "Create automation", url: "/app/automations/new" };

export default function Automations() {
  const { automations, timeZone } = useLoaderData<typeof loader>();
  // A phone's 390 px gets one stacked cell per automation instead of six columns.
  const condensed = useBreakpoints().smDown;

  return (
    <Page title="Automations" primaryAction={CREATE}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {automations.length === 0 ? (
              <EmptyState heading="Write drafts on a schedule" action={CREATE} image={EMPTY_STATE_IMAGE}>
                <p>
                  {`An automation writes a draft from the next topic of its queue (or of a brief's topic research) on the days you choose, and saves it to your blog. ${creditsText(PRICES["automation.run"])} per saved draft; failed or skipped runs are free.`}
                </p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "automation", plural: "automations" }}
                itemCount={automations.length}
                selectable={false}
                condensed={condensed}
                headings={[
                  { title: "Automation" },
                  { title: "Schedule" },
                  { title: `Next run (${timeZone})` },
                  { title: "Last run" },
                  { title: "Credits this month" },
                  { title: "Topics waiting", alignment: "end" },
                ]}
              >
                {automations.map((automation, index) => {
                  const name = (
                    <Link
                      dataPrimaryLink
                      url={`/app/automations/${automation.id}`}
                      monochrome
                      removeUnderline
                    >
                      <Text as="span" fontWeight="semibold">
                        {automation.name}
                      </Text>
                    </Link>
                  );
                  const status = <AutomationStatusBadge status={automation.status} />;
                  const next = automation.next ?? (automation.status === "paused" ? "Paused" : "None");
                  const lastRun = automation.lastRun ? (
                    <InlineStack gap="100" blockAlign="center" wrap>
                      <RunOutcomeBadge status={automation.lastRun.status} />
                      <Text as="span" tone="subdued">
                        {automation.lastRun.when}
                      </Text>
                    </InlineStack>
                  ) : (
                    <Text as="span" tone="subdued">
                      No runs yet
                    </Text>
                  );
                  const spent = `${automation.spent} / ${creditsText(automation.budget)}`;
                  return condensed ? (
                    <IndexTable.Row id={automation.id} key={automation.id} position={index}>
                      <Box paddingInline="300" paddingBlock="200">
                        <BlockStack gap="100">
                          <InlineStack gap="200" blockAlign="center">
                            {name}
                            {status}
                          </InlineStack>
                          <Text as="span">{automation.scheduleText}</Text>
                          <Text as="span" tone="subdued">
                            {[`Next: ${next}`, spent, `${automation.topicsWaiting} topics waiting`].join(
                              " · ",
                            )}
                          </Text>
                          {lastRun}
                        </BlockStack>
                      </Box>
                    </IndexTable.Row>
                  ) : (
                    <IndexTable.Row id={automation.id} key={automation.id} position={index}>
                      <IndexTable.Cell>
                        <InlineStack gap="200" blockAlign="center" wrap={false}>
                          {name}
                          {status}
                        </InlineStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{automation.scheduleText}</IndexTable.Cell>
                      <IndexTable.Cell>{next}</IndexTable.Cell>
                      <IndexTable.Cell>{lastRun}</IndexTable.Cell>
                      <IndexTable.Cell>{spent}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" alignment="end" numeric>
                          {automation.topicsWaiting}
                        </Text>
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  );
                })}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AutomationErrorBoundary title="Automations could not be loaded" />;
}
