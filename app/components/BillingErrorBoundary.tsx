// What a Billing tab shows when its loader threw: the tabs stay, the app's own error answer (`{ error,
// fieldErrors }`, app/http/errors.server.ts) is said in words with a way back, and Shopify's auth answers
// (the bounce and exit-iframe pages) go to shopify-app-remix's boundary.
import { isRouteErrorResponse, Link as RemixLink, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { BillingTabs } from "./BillingTabs";

export function BillingErrorBoundary({
  title,
  back,
}: {
  title: string;
  back: { to: string; label: string };
}) {
  const error = useRouteError();
  const body = isRouteErrorResponse(error)
    ? (error.data as { error?: unknown; fieldErrors?: Record<string, string> } | null)
    : null;
  const message = typeof body?.error === "string" ? body.error : null;
  if (isRouteErrorResponse(error) && !message) return boundary.error(error);
  return (
    <Page title="Billing">
      <BlockStack gap="400">
        <BillingTabs />
        <Banner tone="critical" title={message ?? title}>
          <BlockStack gap="200">
            {!message && <Text as="p">Something went wrong on our side. Reload the page to try again.</Text>}
            {Object.entries(body?.fieldErrors ?? {}).map(([field, fieldMessage]) => (
              <Text as="p" key={field}>{`${field}: ${fieldMessage}`}</Text>
            ))}
            <RemixLink to={back.to}>{back.label}</RemixLink>
          </BlockStack>
        </Banner>
      </BlockStack>
    </Page>
  );
}
