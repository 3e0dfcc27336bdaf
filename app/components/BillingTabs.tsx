// The Billing pages' sections as tabs: each is its own route (app/routes/app.billing*.tsx), so each loader
// reads only what its section shows.
import { useLocation, useNavigate } from "@remix-run/react";
import { Box, Tabs } from "@shopify/polaris";

export const BILLING_SECTIONS = [
  { id: "billing-overview", content: "Plan and balance", path: "/app/billing" },
  { id: "billing-activity", content: "Activity Ledger", path: "/app/billing/activity" },
  { id: "billing-usage", content: "Usage and planning", path: "/app/billing/usage" },
  { id: "billing-alerts", content: "Alerts", path: "/app/billing/alerts" },
] as const;

// Polaris Tabs render no tab before the browser has measured them (TabMeasurer), so the server's page has an
// empty tab list that grows one tab row (28 px) after hydration and pushes the whole section down: a layout
// shift on every Billing page load (bench/web-vitals.ts). The row and the list's padding are held from the
// start; both are the same below and above Polaris's md breakpoint.
const TABS_HEIGHT = "calc(var(--p-height-700) + 2 * var(--p-space-200))";

export function BillingTabs() {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const selected = Math.max(
    0,
    BILLING_SECTIONS.findLastIndex((section) => pathname.startsWith(section.path)),
  );
  // The embedded app's query (shop, host, …) travels with each tab, like the nav menu's links.
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()])
    if (!["shop", "host", "embedded", "locale"].includes(key)) params.delete(key);
  const query = params.toString();
  return (
    <Box minHeight={TABS_HEIGHT}>
      <Tabs
        tabs={BILLING_SECTIONS.map(({ id, content }) => ({ id, content }))}
        selected={selected}
        onSelect={(index) => navigate(`${BILLING_SECTIONS[index]!.path}${query ? `?${query}` : ""}`)}
      />
    </Box>
  );
}
