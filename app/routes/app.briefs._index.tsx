import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Card,
  EmptyState,
  IndexTable,
  Layout,
  Link,
  Page,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { EMPTY_STATE_IMAGE } from "../components/empty-state";
import { LENGTHS, stringList } from "../content/brief";
import { listBriefs } from "../content/briefs.server";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await requireShop(db, session.shop);
    const briefs = await listBriefs(db, shop.id);
    return {
      briefs: briefs.map((brief) => ({
        id: brief.id,
        topic: brief.topic,
        tone: brief.tone,
        length: LENGTHS[brief.length as keyof typeof LENGTHS]?.label ?? brief.length,
        keywords: stringList(brief.keywords).join(", "),
        updatedAt: brief.updatedAt.toISOString(),
      })),
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const updated = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

export default function Briefs() {
  const { briefs } = useLoaderData<typeof loader>();
  // Narrow screens (a phone's 390 px) get one stacked cell per brief instead of five columns.
  const condensed = useBreakpoints().smDown;

  return (
    <Page title="Briefs" primaryAction={{ content: "New brief", url: "/app/briefs/new" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {briefs.length === 0 ? (
              <EmptyState
                heading="Write your first brief"
                action={{ content: "New brief", url: "/app/briefs/new" }}
                image={EMPTY_STATE_IMAGE}
              >
                <p>
                  A brief says what an article is about, who it is for and which products it features. Topic
                  research on a brief is free.
                </p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "brief", plural: "briefs" }}
                itemCount={briefs.length}
                selectable={false}
                condensed={condensed}
                headings={[
                  { title: "Topic" },
                  { title: "Keywords" },
                  { title: "Tone" },
                  { title: "Length" },
                  { title: "Updated" },
                ]}
              >
                {briefs.map((brief, index) => {
                  // The row's primary link: a click anywhere on the row opens the brief.
                  const topic = (
                    <Link dataPrimaryLink url={`/app/briefs/${brief.id}`} monochrome removeUnderline>
                      <Text as="span" fontWeight="semibold">
                        {brief.topic}
                      </Text>
                    </Link>
                  );
                  return condensed ? (
                    <IndexTable.Row id={brief.id} key={brief.id} position={index}>
                      <Box paddingInline="300" paddingBlock="200">
                        <BlockStack gap="100">
                          {topic}
                          <Text as="span" tone="subdued">
                            {[brief.keywords, brief.tone, brief.length, updated(brief.updatedAt)]
                              .filter(Boolean)
                              .join(" · ")}
                          </Text>
                        </BlockStack>
                      </Box>
                    </IndexTable.Row>
                  ) : (
                    <IndexTable.Row id={brief.id} key={brief.id} position={index}>
                      <IndexTable.Cell>{topic}</IndexTable.Cell>
                      <IndexTable.Cell>{brief.keywords}</IndexTable.Cell>
                      <IndexTable.Cell>{brief.tone}</IndexTable.Cell>
                      <IndexTable.Cell>{brief.length}</IndexTable.Cell>
                      <IndexTable.Cell>{updated(brief.updatedAt)}</IndexTable.Cell>
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
