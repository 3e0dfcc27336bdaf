// How many statements the service sends per reserve and per capture (BEGIN and COMMIT included), counted by
// wrapping the money driver's transaction for the measurement only. Each is a round-trip on PostgreSQL,
// which is what the bare SQL's 4 per step is compared with.
import { moneyDriverOf, type Db } from "../app/db/connect.server";
import type { Script } from "../app/db/transaction-script";
import { captureReservation, reserveCredits } from "../app/ledger/index.server";
import { BENCH_ACTIONS } from "./service";

export interface StatementCounts {
  reserve: number;
  capture: number;
}

/** Run alone: nothing else may use `db` meanwhile, or its statements are counted too. */
export async function statementsPerOp(db: Db, shopId: string): Promise<StatementCounts> {
  const driver = moneyDriverOf(db);
  const transaction = driver.transaction;
  let statements = 0;
  function* counting<T>(script: Script<T>): Script<T> {
    let step = script.next();
    while (!step.done) {
      statements += 1;
      step = script.next(yield step.value);
    }
    return step.value;
  }
  driver.transaction = <T>(script: () => Script<T>) => {
    statements += 2; // BEGIN and COMMIT
    return transaction.call(driver, () => counting(script())) as Promise<T>;
  };
  const counted = async (step: () => Promise<unknown>) => {
    const before = statements;
    await step();
    return statements - before;
  };
  try {
    const idempotencyKey = `bench:count:${Date.now()}`;
    const reserve = await counted(() =>
      reserveCredits(db, { shopId, idempotencyKey, actions: BENCH_ACTIONS, actor: "user:bench" }),
    );
    const capture = await counted(() => captureReservation(db, { shopId, idempotencyKey }));
    return { reserve, capture };
  } finally {
    driver.transaction = transaction;
  }
}
