import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  Badge,
  InlineStack,
  Layout,
  Page,
  ResourceItem,
  ResourceList,
  Text,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { aiProvider } from "../ai/index.server";
import { listDrafts } from "../content/drafts.server";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { getBalance } from "../ledger/balance.server";
import { priceOf } from "../ledger/prices";
import { recordInstall } from "../shops/life-cycle.server";
import { authenticate } from "../shopify.server";
import { DraftStatusBadge } from "../components/DraftStatusBadge";
import { EMPTY_STATE_IMAGE } from "../components/empty-state";

const DRAFT_WITH_COVER = priceOf(["draft.generate", "cover.generate"]);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    // The first page an installed store opens: the shop's row and its cycle's allowance exist after this.
    const shop = await recordInstall(db, session.shop);
    const [balance, recent, briefs, research, saved] = await Promise.all([
      getBalance(db, shop.id),
      listDrafts(db, shop.id, { take: 5 }),
      db.brief.count({ where: { shopId: shop.id } }),
      db.job.count({ where: { shopId: shop.id, kind: "topic.research", status: "succeeded" } }),
      db.draft.count({ where: { shopId: shop.id, articleId: { not: null } } }),
    ]);
    const provider = aiProvider();
    return {
      available: balance.available,
      draftsWithCover: Math.floor(balance.available / DRAFT_WITH_COVER),
      recent: recent.drafts,
      steps: {
        brief: briefs > 0,
        research: research > 0,
        draft: recent.drafts.length > 0,
        saved: saved > 0,
      },
      provider: { label: provider.label, offline: provider.kind === "offline" },
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const STEPS = [
  { key: "brief", title: "Write a brief", detail: "Say what the article is about and who it is for." },
  { key: "research", title: "Research topics for free", detail: "Get ranked ideas that fit your store." },
  { key: "draft", title: "Generate a draft", detail: "An article with headings, meta tags and a cover." },
  { key: "saved", title: "Save to Shopify", detail: "It lands in your blog as an unpublished article." },
] as const;

const updated = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const done = STEPS.filter((step) => data.steps[step.key]).length;

  return (
    <Page title="AI blog content" primaryAction={{ content: "New brief", url: "/app/briefs/new" }}>
      <Layout>
        {data.provider.offline && (
          <Layout.Section>
            <Banner tone="info" title="Offline writer">
              <p>
                Drafts are written by the app&apos;s built-in offline writer, not by an AI model: good for
                trying the app, not for publishing. To connect a real model, set <code>AI_API_KEY</code> (and{" "}
                <code>AI_BASE_URL</code> and <code>AI_TEXT_MODEL</code> for a provider other than OpenAI) as
                the README describes, and restart the app.
              </p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Your credits
              </Text>
              <Text as="p" variant="heading2xl">
                {`${data.available} credits`}
              </Text>
              <Text as="p" tone="subdued">
                {data.draftsWithCover === 1
                  ? "Enough for 1 draft with a cover."
                  : `Enough for ${data.draftsWithCover} drafts with covers.`}{" "}
                <RemixLink to="/app/billing">Plans and top-ups</RemixLink>
              </Text>
              <Text as="p" tone="subdued">{`Writing with: ${data.provider.label}`}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Getting started
                </Text>
                <Text as="span" tone="subdued">{`${done} of ${STEPS.length} done`}</Text>
              </InlineStack>
              <ol style={{ margin: 0, paddingLeft: 0, listStyle: "none" }}>
                {STEPS.map((step, i) => (
                  <li key={step.key}>
                    <Box paddingBlock="150">
                      <InlineStack gap="200" blockAlign="start" wrap={false}>
                        <Text as="span" tone="subdued">{`${i + 1}.`}</Text>
                        <BlockStack gap="050">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="span" fontWeight="semibold">
                              {step.title}
                            </Text>
                            {data.steps[step.key] && <Badge tone="success">Done</Badge>}
                          </InlineStack>
                          <Text as="span" tone="subdued">
                            {step.detail}
                          </Text>
                        </BlockStack>
                      </InlineStack>
                    </Box>
                  </li>
                ))}
              </ol>
              <InlineStack>
                <Button url="/app/briefs/new" variant="primary">
                  Write a brief
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            {data.recent.length === 0 ? (
              <EmptyState
                heading="No drafts yet"
                action={{ content: "Write a brief", url: "/app/briefs/new" }}
                image={EMPTY_STATE_IMAGE}
              >
                <p>Write a brief, research topics for free, then generate your first draft.</p>
              </EmptyState>
            ) : (
              <BlockStack>
                <Box padding="400" paddingBlockEnd="0">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Recent drafts
                    </Text>
                    <RemixLink to="/app/drafts">All drafts</RemixLink>
                  </InlineStack>
                </Box>
                <ResourceList
                  resourceName={{ singular: "draft", plural: "drafts" }}
                  items={data.recent}
                  renderItem={(draft) => (
                    <ResourceItem
                      id={draft.id}
                      url={`/app/drafts/${draft.id}`}
                      accessibilityLabel={`Open ${draft.title}`}
                    >
                      <InlineStack align="space-between" blockAlign="center" gap="200">
                        <Text as="h3" fontWeight="semibold">
                          {draft.title}
                        </Text>
                        <InlineStack gap="200" blockAlign="center">
                          <DraftStatusBadge status={draft.status} />
                          <Text as="span" tone="subdued">
                            {updated(draft.updatedAt)}
                          </Text>
                        </InlineStack>
                      </InlineStack>
                    </ResourceItem>
                  )}
                />
              </BlockStack>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
