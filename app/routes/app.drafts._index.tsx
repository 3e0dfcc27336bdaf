import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { DraftStatusBadge } from "../components/DraftStatusBadge";
import { EMPTY_STATE_IMAGE } from "../components/empty-state";
import { listDrafts } from "../content/drafts.server";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { authenticate } from "../shopify.server";

const PAGE_SIZE = 25;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await requireShop(db, session.shop);
    const params = new URL(request.url).searchParams;
    const q = (params.get("q") ?? "").slice(0, 200);
    const cursor = params.get("cursor")?.slice(0, 64) || undefined;
    const page = await listDrafts(db, shop.id, { search: q, take: PAGE_SIZE, cursor });
    return { q, cursor: cursor ?? null, ...page };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const updated = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

export default function Drafts() {
  const { q, cursor, drafts, nextCursor } = useLoaderData<typeof loader>();
  const [search, setSearch] = useState(q);
  const [params] = useSearchParams();
  const loading = useNavigation().state === "loading";
  // Narrow screens (a phone's 390 px) get one stacked cell per draft instead of five columns.
  const condensed = useBreakpoints().smDown;
  const pageUrl = (next: string | null) => {
    const url = new URLSearchParams(params);
    if (next) url.set("cursor", next);
    else url.delete("cursor");
    return `/app/drafts${url.size ? `?${url}` : ""}`;
  };

  return (
    <Page title="Drafts" primaryAction={{ content: "New brief", url: "/app/briefs/new" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <Box padding="300">
                <Form method="get" role="search">
                  <InlineStack gap="200" blockAlign="end" wrap={false}>
                    <Box width="100%">
                      <TextField
                        label="Search drafts by title"
                        labelHidden
                        placeholder="Search drafts by title"
                        name="q"
                        value={search}
                        onChange={setSearch}
                        autoComplete="off"
                        clearButton
                        onClearButtonClick={() => setSearch("")}
                      />
                    </Box>
                    <Button submit loading={loading}>
                      Search
                    </Button>
                  </InlineStack>
                </Form>
              </Box>
              {drafts.length === 0 ? (
                q ? (
                  <Box padding="400">
                    <Text as="p" tone="subdued">{`No drafts match “${q}”.`}</Text>
                  </Box>
                ) : (
                  <EmptyState
                    heading="No drafts yet"
                    action={{ content: "Write a brief", url: "/app/briefs/new" }}
                    image={EMPTY_STATE_IMAGE}
                  >
                    <p>Write a brief and generate a draft: it will be listed here.</p>
                  </EmptyState>
                )
              ) : (
                <IndexTable
                  resourceName={{ singular: "draft", plural: "drafts" }}
                  itemCount={drafts.length}
                  selectable={false}
                  condensed={condensed}
                  headings={[
                    { title: "Title" },
                    { title: "Status" },
                    { title: "Versions", alignment: "end" },
                    { title: "Credits spent", alignment: "end" },
                    { title: "Updated" },
                  ]}
                >
                  {drafts.map((draft, index) => {
                    const title = (
                      <Link dataPrimaryLink url={`/app/drafts/${draft.id}`} monochrome removeUnderline>
                        <Text as="span" fontWeight="semibold">
                          {draft.title}
                        </Text>
                      </Link>
                    );
                    return condensed ? (
                      <IndexTable.Row id={draft.id} key={draft.id} position={index}>
                        <Box paddingInline="300" paddingBlock="200">
                          <BlockStack gap="100">
                            {title}
                            <InlineStack gap="200" blockAlign="center">
                              <DraftStatusBadge status={draft.status} />
                              <Text as="span" tone="subdued">
                                {`${draft.versionCount} versions · ${draft.creditsSpent} credits · ${updated(draft.updatedAt)}`}
                              </Text>
                            </InlineStack>
                          </BlockStack>
                        </Box>
                      </IndexTable.Row>
                    ) : (
                      <IndexTable.Row id={draft.id} key={draft.id} position={index}>
                        <IndexTable.Cell>{title}</IndexTable.Cell>
                        <IndexTable.Cell>
                          <DraftStatusBadge status={draft.status} />
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {draft.versionCount}
                          </Text>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {draft.creditsSpent}
                          </Text>
                        </IndexTable.Cell>
                        <IndexTable.Cell>{updated(draft.updatedAt)}</IndexTable.Cell>
                      </IndexTable.Row>
                    );
                  })}
                </IndexTable>
              )}
              {(cursor || nextCursor) && (
                <Box padding="300">
                  <InlineStack align="center">
                    <Pagination
                      hasPrevious={cursor !== null}
                      previousURL={pageUrl(null)}
                      hasNext={nextCursor !== null}
                      nextURL={nextCursor ? pageUrl(nextCursor) : undefined}
                      label={cursor ? "More drafts" : "Newest drafts"}
                    />
                  </InlineStack>
                </Box>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
