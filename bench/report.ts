// Prints the figures as tables and one verdict line per engine. Missing a target is reported, not fatal.
import type { Engine } from "../app/db/connect.server";
import { HISTORY_ENTRIES, READS_PER_SHOP, type BalanceReads } from "./balance-read";
import { BARE_STATEMENTS_PER_STEP } from "./bare-sql";
import type { StatementCounts } from "./statement-count";
import type { Rate, Shape } from "./throughput";

export const RATIO_TARGET = 0.5;
export const BALANCE_TARGET = 1.5;

export interface ShapeResult {
  shape: Shape;
  service: Rate;
  bare: Rate;
}

export interface EngineResult {
  engine: Engine;
  version: string;
  shapes: ShapeResult[];
  statements: StatementCounts;
  balance: BalanceReads;
}

const verdict = (ok: boolean) => (ok ? "OK" : "MISSED");
const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, width: number) => value.toFixed(0).padStart(width);

export function printReport(machine: string, results: EngineResult[]): void {
  const lines: string[] = [`\nMachine: ${machine}`];
  for (const r of results) lines.push(`${r.engine}: ${r.version}`);

  lines.push(
    "",
    "reserve+capture: ops/s, and this process's CPU ms per op (all of it for SQLite, the client's for PostgreSQL)",
    `${pad("engine", 9)}${pad("shape", 22)}${"service".padStart(9)}${"bare SQL".padStart(10)}  ratio  target` +
      `        cpu ms/op service  bare`,
  );
  for (const r of results)
    for (const s of r.shapes) {
      const ratio = s.service.opsPerSecond / s.bare.opsPerSecond;
      lines.push(
        `${pad(r.engine, 9)}${pad(s.shape.label, 22)}${num(s.service.opsPerSecond, 9)}${num(s.bare.opsPerSecond, 10)}` +
          `  ${ratio.toFixed(2)}   ${pad(`≥ ${RATIO_TARGET} ${verdict(ratio >= RATIO_TARGET)}`, 21)}` +
          `${s.service.cpuMsPerOp.toFixed(2).padStart(7)}${s.bare.cpuMsPerOp.toFixed(2).padStart(6)}`,
      );
    }

  lines.push("", "statements per op (round-trips inside the transactions, BEGIN and COMMIT included)");
  for (const r of results)
    lines.push(
      `${pad(r.engine, 9)}service: reserve ${r.statements.reserve} + capture ${r.statements.capture}` +
        ` = ${r.statements.reserve + r.statements.capture}; bare SQL: ${BARE_STATEMENTS_PER_STEP} + ` +
        `${BARE_STATEMENTS_PER_STEP} = ${2 * BARE_STATEMENTS_PER_STEP}`,
    );

  lines.push(
    "",
    `getBalance, median of ${READS_PER_SHOP} reads each (ms): a shop with an empty ledger vs one with ${HISTORY_ENTRIES} entries`,
  );
  for (const r of results) {
    const ratio = r.balance.fullMs / r.balance.emptyMs;
    lines.push(
      `${pad(r.engine, 9)}empty ${r.balance.emptyMs.toFixed(3)}  full ${r.balance.fullMs.toFixed(3)}  ` +
        `${ratio.toFixed(2)}×  ≤ ${BALANCE_TARGET}× ${verdict(ratio <= BALANCE_TARGET)}`,
    );
  }

  lines.push("");
  for (const r of results) {
    const ratios = r.shapes.map((s) => s.service.opsPerSecond / s.bare.opsPerSecond);
    const lowest = Math.min(...ratios);
    const balance = r.balance.fullMs / r.balance.emptyMs;
    lines.push(
      `${r.engine}: service/bare lowest ${lowest.toFixed(2)} (target ≥ ${RATIO_TARGET}) ` +
        `${verdict(lowest >= RATIO_TARGET)}; balance read ${balance.toFixed(2)}× ` +
        `(target ≤ ${BALANCE_TARGET}×) ${verdict(balance <= BALANCE_TARGET)}`,
    );
  }
  console.log(lines.join("\n"));
}
