// The store's blogs for a page's blog choice (Save to Shopify, an automation's blog), or the scope approval
// the app needs first to read them.
import { env } from "../env.server";
import {
  readBlogs,
  scopeApprovalUrl,
  ShopifyAccessDenied,
  type AdminGraphql,
} from "../shopify/admin-api.server";

export async function blogChoices(graphql: AdminGraphql, shop: string) {
  try {
    return { blogs: await readBlogs(graphql), approvalUrl: null };
  } catch (error) {
    if (!(error instanceof ShopifyAccessDenied)) throw error;
    return { blogs: [], approvalUrl: scopeApprovalUrl(shop, env.SHOPIFY_API_KEY) };
  }
}
