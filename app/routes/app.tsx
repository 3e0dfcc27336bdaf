import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { lowBalanceBannerFor } from "../alerts/low-balance.server";
import { LowBalanceBanner } from "../components/LowBalanceBanner";
import db from "../db.server";
import { env } from "../env.server";
import { authenticate } from "../shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // appBridgeUrl: unset loads App Bridge from Shopify's CDN; an offline Admin emulator serves its own.
  return {
    apiKey: env.SHOPIFY_API_KEY,
    appBridgeUrl: env.APP_BRIDGE_URL,
    // A banner is never worth a failed page: if it cannot be read, the page shows without it.
    lowBalance: await lowBalanceBannerFor(db, session.shop).catch((error: unknown) => {
      console.error("low-balance banner", error);
      return null;
    }),
  };
};

export default function App() {
  const { apiKey, appBridgeUrl, lowBalance } = useLoaderData<typeof loader>();

  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} __APP_BRIDGE_URL={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/briefs">Briefs</Link>
        <Link to="/app/drafts">Drafts</Link>
        <Link to="/app/automations">Automations</Link>
        <Link to="/app/billing">Billing</Link>
      </NavMenu>
      <LowBalanceBanner alert={lowBalance} />
      <Outlet />
    </AppProvider>
  );
}

// Shopify's boundary turns auth responses thrown inside the iframe (the bounce and exit-iframe pages) into
// App Bridge navigations: it renders a thrown body as HTML. The app's own error answers (app/http/
// errors.server.ts: `{ error: "<sentence>" }`) are shown as text instead, never as markup.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && typeof (error.data as { error?: unknown } | null)?.error === "string")
    return (
      <main style={{ padding: "1rem", fontFamily: "system-ui, sans-serif" }}>
        <p>{(error.data as { error: string }).error}</p>
      </main>
    );
  return boundary.error(error);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
