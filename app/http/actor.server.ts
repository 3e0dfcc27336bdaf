// Who spends: the staff member whose session token made the request, as the ledger and jobs record it.
import { httpError } from "./errors.server";

/** What authenticate.admin answers for an embedded request: the decoded session token. */
interface AdminContext {
  sessionToken?: { sub?: unknown } | null;
}

/** `user:<sub>` from the request's session token; a 401 when it carries no user (never a nameless spend). */
export function requireActor(context: AdminContext): string {
  const sub = context.sessionToken?.sub;
  if (typeof sub !== "string" || sub === "") throw httpError(401, "Sign in to the Shopify admin again");
  return `user:${sub}`;
}
