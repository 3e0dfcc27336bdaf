// A job as its page follows it (app/components/JobProgress.tsx polls here): JSON, this shop's jobs only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readJob } from "../credits/index.server";
import db from "../db.server";
import { withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await requireShop(db, session.shop);
    const job = await readJob(db, shop.id, params.id ?? "");
    // Polled while the job runs: never a cached answer.
    return Response.json({ job }, { headers: { "Cache-Control": "no-store" } });
  });
};
