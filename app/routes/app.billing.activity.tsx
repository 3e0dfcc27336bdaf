// The Billing page's Activity Ledger: every credit movement of the shop, named by its source, in the shop's
// time zone, filtered and paged by cursor in the URL, and exported as CSV.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  EmptySearchResult,
  Filters,
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
import { BillingErrorBoundary } from "../components/BillingErrorBoundary";
import { BillingTabs } from "../components/BillingTabs";
import { listLedger, parseLedgerQuery } from "../billing-page/ledger.server";
import { ensureShopTimezone } from "../shops/timezone.server";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import {
  DEBIT_ACTIONS,
  debitLabel,
  LEDGER_QUERY_KEYS,
  TYPE_FILTERS,
  WHO,
  WHO_LABELS,
  type TypeFilter,
} from "../ledger/action-labels";
import { readShopTimezone } from "../shopify/admin-api.server";
import { pageLocale } from "../shops/locale";
import { authenticate } from "../shopify.server";

/** The embedded request's `locale` (the admin's language), if Intl knows it; else English. */

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const url = new URL(request.url);
    const query = parseLedgerQuery(url.searchParams);
    if (!query.ok)
      throw httpError(400, "Those filters could not be read", { fieldErrors: query.fieldErrors });
    const shop = await requireShop(db, session.shop);
    const timeZone = await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const page = await listLedger(db, shop.id, { filters: query.filters, cursor: query.cursor, timeZone });
    const locale = pageLocale(url.searchParams.get("locale"));
    // Formatted here, once, so the server render and the browser show the same text.
    const when = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" });
    const count = new Intl.NumberFormat(locale);
    const signed = new Intl.NumberFormat(locale, { signDisplay: "exceptZero" });
    return {
      timeZone,
      filters: query.filters,
      filtered: Object.keys(query.filters).length > 0,
      nextCursor: page.nextCursor,
      previousCursor: page.previousCursor,
      rows: page.rows.map((row) => ({
        ...row,
        when: when.format(new Date(row.createdAt)),
        creditsText: signed.format(row.credits),
        balanceText: count.format(row.balanceAfter),
      })),
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const TYPE_CHOICES = (Object.keys(TYPE_FILTERS) as TypeFilter[]).map((value) => ({
  label: TYPE_FILTERS[value].label,
  value,
}));
const WHO_CHOICES = WHO.map((value) => ({ label: WHO_LABELS[value], value }));
const ACTION_CHOICES = DEBIT_ACTIONS.map((value) => ({ label: debitLabel(value, null), value }));
type FilterKey = "type" | "action" | "who" | "from" | "to";

// The charges' own pages are the admin's: Settings › Billing lists the app's charges.
const CHARGES_URL = "shopify://admin/settings/billing";

function useLedgerParams() {
  const [params, setParams] = useSearchParams();
  // A filter change starts again from the newest entry: an old cursor would skip what now matches.
  const set = (changes: Partial<Record<FilterKey, string | null>>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.delete("after");
      next.delete("before");
      for (const [key, value] of Object.entries(changes))
        if (value) next.set(key, value);
        else next.delete(key);
      return next;
    });
  const page = (key: "after" | "before", id: number) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.delete("after");
      next.delete("before");
      next.set(key, String(id));
      return next;
    });
  return { params, set, page };
}

/** The filtered ledger as a CSV download: App Bridge's fetch adds the session token a link cannot carry. */
async function downloadCsv(params: URLSearchParams) {
  const query = new URLSearchParams();
  for (const key of LEDGER_QUERY_KEYS)
    if (key !== "after" && key !== "before" && params.get(key)) query.set(key, params.get(key)!);
  const response = await fetch(`/app/billing/activity/csv?${query}`);
  if (!response.ok) throw new Error(`The export answered ${response.status}`);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "activity.csv";
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
}

function ExportButton() {
  const [params] = useSearchParams();
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  return (
    <InlineStack gap="200" blockAlign="center">
      {state === "failed" && (
        <Text as="span" tone="critical">
          The export failed; try again.
        </Text>
      )}
      <Button
        loading={state === "busy"}
        onClick={() => {
          setState("busy");
          downloadCsv(params).then(
            () => setState("idle"),
            () => setState("failed"),
          );
        }}
      >
        Export CSV
      </Button>
    </InlineStack>
  );
}

function LedgerFilters() {
  const { params, set } = useLedgerParams();
  const value = (key: FilterKey) => params.get(key) ?? "";
  const label = (choices: { label: string; value: string }[], key: FilterKey) =>
    choices.find((choice) => choice.value === value(key))?.label ?? value(key);
  const choice = (key: FilterKey, title: string, choices: { label: string; value: string }[]) => ({
    key,
    label: title,
    pinned: true,
    filter: (
      <ChoiceList
        title={title}
        titleHidden
        choices={choices}
        selected={value(key) ? [value(key)] : []}
        onChange={([picked]) => set({ [key]: picked ?? null })}
      />
    ),
  });
  const dates = {
    key: "dates",
    label: "Date range",
    pinned: true,
    filter: (
      <BlockStack gap="200">
        <TextField
          label="From"
          type="date"
          autoComplete="off"
          value={value("from")}
          // A range that ends before it starts is a 400 from the loader; the date pickers do not offer one.
          max={value("to") || undefined}
          onChange={(from) => set({ from })}
        />
        <TextField
          label="To"
          type="date"
          autoComplete="off"
          value={value("to")}
          min={value("from") || undefined}
          onChange={(to) => set({ to })}
        />
      </BlockStack>
    ),
  };
  const choices = [
    { key: "type", title: "Type", options: TYPE_CHOICES },
    { key: "action", title: "Action", options: ACTION_CHOICES },
    { key: "who", title: "Who", options: WHO_CHOICES },
  ] as const;
  const applied = [
    ...choices.flatMap(({ key, title, options }) =>
      value(key)
        ? [{ key, label: `${title}: ${label([...options], key)}`, onRemove: () => set({ [key]: null }) }]
        : [],
    ),
    ...(value("from") || value("to")
      ? [
          {
            key: "dates",
            label: `Dates: ${value("from") || "…"} – ${value("to") || "…"}`,
            onRemove: () => set({ from: null, to: null }),
          },
        ]
      : []),
  ];
  return (
    <Filters
      hideQueryField
      queryValue=""
      onQueryChange={() => {}}
      onQueryClear={() => {}}
      filters={[...choices.map(({ key, title, options }) => choice(key, title, [...options])), dates]}
      appliedFilters={applied}
      onClearAll={() => set({ type: null, action: null, who: null, from: null, to: null })}
    />
  );
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

/** What happened, linked to its draft or to the admin's charges, with the test-charge badge. */
function What({ row }: { row: Row }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      {row.link?.kind === "draft" ? (
        <RemixLink to={`/app/drafts/${row.link.id}`}>{row.what}</RemixLink>
      ) : row.link?.kind === "charge" ? (
        <Link url={CHARGES_URL} target="_top">
          {row.what}
        </Link>
      ) : (
        <Text as="span">{row.what}</Text>
      )}
      {row.test && <Badge tone="info">Test</Badge>}
    </InlineStack>
  );
}

function Credits({ row }: { row: Row }) {
  return (
    <Text
      as="span"
      alignment="end"
      numeric
      tone={row.credits > 0 ? "success" : row.credits < 0 ? "critical" : undefined}
    >
      {row.creditsText}
    </Text>
  );
}

export default function ActivityLedger() {
  const data = useLoaderData<typeof loader>();
  const loading = useNavigation().state === "loading";
  const { set, page } = useLedgerParams();
  // The server render has no width: it draws the table, and the browser switches after hydrating.
  const condensed = useBreakpoints({ defaults: { smDown: false } }).smDown;
  const clearAll = () => set({ type: null, action: null, who: null, from: null, to: null });

  const empty = data.filtered ? (
    <EmptySearchResult
      title="Nothing matches these filters"
      description="Try other filters, or clear them to see every entry."
      withIllustration={false}
    />
  ) : (
    <EmptySearchResult
      title="No activity yet"
      description="Credits granted and spent show here as they happen."
      withIllustration={false}
    />
  );

  return (
    <Page title="Billing">
      <BlockStack gap="400">
        <BillingTabs />
        <Layout>
          <Layout.Section>
            <Card padding="0">
              <BlockStack gap="0">
                <div style={{ padding: "var(--p-space-400)" }}>
                  <InlineStack align="space-between" blockAlign="center" gap="200">
                    <BlockStack gap="100">
                      <Text as="h2" variant="headingMd">
                        Activity Ledger
                      </Text>
                      <Text as="p" tone="subdued">
                        {`Times in ${data.timeZone}.`}
                      </Text>
                    </BlockStack>
                    <ExportButton />
                  </InlineStack>
                </div>
                <LedgerFilters />
                <IndexTable
                  resourceName={{ singular: "entry", plural: "entries" }}
                  itemCount={data.rows.length}
                  // Narrow screens get a list, not a table to scroll sideways.
                  condensed={condensed}
                  selectable={false}
                  loading={loading}
                  emptyState={
                    <BlockStack gap="200" inlineAlign="center">
                      {empty}
                      {data.filtered && <Button onClick={clearAll}>Clear filters</Button>}
                    </BlockStack>
                  }
                  headings={[
                    { title: "Date and time" },
                    { title: "What happened" },
                    { title: "Credits", alignment: "end" },
                    { title: "Balance after", alignment: "end" },
                    { title: "Who" },
                  ]}
                >
                  {data.rows.map((row, index) => (
                    <IndexTable.Row id={String(row.id)} key={row.id} position={index}>
                      {condensed ? (
                        <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                          <BlockStack gap="100">
                            <What row={row} />
                            <InlineStack gap="300" wrap>
                              <Credits row={row} />
                              <Text as="span" tone="subdued">{`Balance ${row.balanceText}`}</Text>
                            </InlineStack>
                            <Text as="span" tone="subdued">
                              <time dateTime={row.createdAt}>{row.when}</time>
                              {` · ${row.who.name}`}
                            </Text>
                          </BlockStack>
                        </div>
                      ) : (
                        <>
                          <IndexTable.Cell>
                            <time dateTime={row.createdAt}>{row.when}</time>
                          </IndexTable.Cell>
                          <IndexTable.Cell>
                            <What row={row} />
                          </IndexTable.Cell>
                          <IndexTable.Cell>
                            <Credits row={row} />
                          </IndexTable.Cell>
                          <IndexTable.Cell>
                            <Text as="span" alignment="end" numeric>
                              {row.balanceText}
                            </Text>
                          </IndexTable.Cell>
                          <IndexTable.Cell>{row.who.name}</IndexTable.Cell>
                        </>
                      )}
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                {(data.previousCursor !== null || data.nextCursor !== null) && (
                  <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
                    <Pagination
                      label="Ledger pages"
                      hasPrevious={data.previousCursor !== null}
                      previousTooltip="Newer entries"
                      onPrevious={() => data.previousCursor !== null && page("before", data.previousCursor)}
                      hasNext={data.nextCursor !== null}
                      nextTooltip="Older entries"
                      onNext={() => data.nextCursor !== null && page("after", data.nextCursor)}
                    />
                  </div>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return (
    <BillingErrorBoundary
      title="The ledger could not be loaded"
      back={{ to: "/app/billing/activity", label: "Show the whole ledger" }}
    />
  );
}
