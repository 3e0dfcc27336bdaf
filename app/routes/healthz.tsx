import { engineOf } from "../db/connect.server";
import db from "../db.server";
import { env } from "../env.server";
import { checkDatabase } from "../health.server";

// For operators, load balancers and uptime monitors: no authentication (so no bot refusal either, which
// only authenticate.admin does), nothing secret, never cached. 200 when the database answers and has every
// migration this build expects, else 503 with the reason.
export const loader = async () => {
  const check = await checkDatabase(db, engineOf(env.DATABASE_URL));
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  return check.ok
    ? Response.json({ status: "ok" }, { headers })
    : Response.json({ status: "error", reason: check.reason }, { status: 503, headers });
};
