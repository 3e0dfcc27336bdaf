import type { ReactNode } from "react";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import { AppProvider, BlockStack, Card, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";

// The document every page and the root error page render in.
export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** What the store owner reads for an error no route handled: a sentence, never a stack, SQL or a module path. */
function errorPageText(error: unknown): { title: string; body: string } {
  if (isRouteErrorResponse(error) && error.status === 404)
    return {
      title: "Page not found",
      body: "This page does not exist. Check the address, or open the app again from your Shopify admin.",
    };
  if (isRouteErrorResponse(error) && error.status < 500) {
    // The app's own 4xx answers carry one readable sentence (app/http/errors.server.ts), shown as text.
    const sentence = (error.data as { error?: unknown } | null)?.error;
    return {
      title: "This request could not be completed",
      body:
        typeof sentence === "string"
          ? sentence
          : "Check the address, or open the app again from your Shopify admin.",
    };
  }
  return { title: "Something went wrong", body: "The app could not show this page. Try again in a moment." };
}

// Errors no route's own boundary caught (unknown paths, /auth/login, the landing page), as a Polaris page.
// Polaris's texts are not needed by the components used here, so its translations stay out of the root bundle.
export function ErrorBoundary() {
  const { title, body } = errorPageText(useRouteError());
  return (
    <>
      <link rel="stylesheet" href={polarisStyles} />
      <AppProvider i18n={{}}>
        <Page narrowWidth>
          <Card>
            <BlockStack gap="200">
              <Text as="h1" variant="headingLg">
                {title}
              </Text>
              <Text as="p">{body}</Text>
            </BlockStack>
          </Card>
        </Page>
      </AppProvider>
    </>
  );
}
