// What an automation page shows when its loader threw: the app's own error answer (`{ error }`,
// app/http/errors.server.ts) in words with the way back to the list; Shopify's auth answers (the bounce and
// exit-iframe pages) go to shopify-app-remix's boundary.
import { isRouteErrorResponse, Link as RemixLink, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

export function AutomationErrorBoundary({ title }: { title: string }) {
  const error = useRouteError();
  const body = isRouteErrorResponse(error) ? (error.data as { error?: unknown } | null) : null;
  const message = typeof body?.error === "string" ? body.error : null;
  if (isRouteErrorResponse(error) && !message) return boundary.error(error);
  return (
    <Page title="Automations">
      <Banner tone="critical" title={message ?? title}>
        <BlockStack gap="200">
          {!message && <Text as="p">Something went wrong on our side. Reload the page to try again.</Text>}
          <RemixLink to="/app/automations">Back to Automations</RemixLink>
        </BlockStack>
      </Banner>
    </Page>
  );
}
