// A Shopify blog as the app names it: its Admin API gid. Checked before anything is spent on saving to it.
const BLOG_GID = /^gid:\/\/shopify\/Blog\/\d{1,19}$/;

export function isBlogId(value: unknown): value is string {
  return typeof value === "string" && BLOG_GID.test(value);
}
