// How many statements the service sends per reserve and per capture, counted by the money driver that runs
// them (BEGIN and COMMIT included). Each is a round-trip on PostgreSQL, which is what the bare SQL's 4 per
// step is compared with.
import { moneyDriverOf, type Db } from "../app/db/connect.server";
import { captureReservation, reserveCredits } from "../app/ledger/index.server";
import { BENCH_ACTIONS } from "./service";

export interface StatementCounts {
  reserve: number;
  capture: number;
}

/** Run alone: nothing else may use `db` meanwhile, or its statements are counted too. */
export async function statementsPerOp(db: Db, shopId: string): Promise<StatementCounts> {
  const driver = moneyDriverOf(db);
  const counted = async (step: () => Promise<unknown>) => {
    const before = driver.statements;
    await step();
    return driver.statements - before;
  };
  const idempotencyKey = `bench:count:${Date.now()}`;
  const reserve = await counted(() =>
    reserveCredits(db, { shopId, idempotencyKey, actions: BENCH_ACTIONS, actor: "user:bench" }),
  );
  const capture = await counted(() => captureReservation(db, { shopId, idempotencyKey }));
  return { reserve, capture };
}
