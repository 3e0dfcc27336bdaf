// Epic Stack's `require*` helpers: each returns what the route needs or throws the 4xx that says why not.
import type { Db } from "../db/connect.server";
import { httpError } from "./errors.server";

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * The request's form fields. Another content type (JSON, text, none) is a 415 and a body that does not
 * parse as the form it claims to be (a broken multipart body) a 400: `request.formData()` throws for both.
 */
export async function requireFormData(request: Request): Promise<FormData> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!FORM_TYPES.has(type))
    throw httpError(415, "Send this form as application/x-www-form-urlencoded or multipart/form-data");
  try {
    return await request.formData();
  } catch {
    throw httpError(400, "The form could not be read");
  }
}

/** The shop's row, for a shop that authenticated; a 404 if it has none (never a 500 from findUniqueOrThrow). */
export async function requireShop(db: Db, domain: string) {
  const shop = await db.shop.findUnique({ where: { domain } });
  if (!shop) throw httpError(404, "This store has not installed the app");
  return shop;
}
