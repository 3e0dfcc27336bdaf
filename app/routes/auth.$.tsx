import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// Shopify's auth paths (/auth/session-token, /auth/exit-iframe, …): authenticate.admin answers them itself.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};
