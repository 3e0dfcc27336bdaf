// Prints the figures as tables and one verdict line per engine. Missing a target is reported, not fatal.
import type { Engine } from "../app/db/connect.server";
import { HISTORY_ENTRIES, READS_PER_SHOP, type BalanceReads } from "./balance-read";
import { BARE_STATEMENTS_PER_STEP } from "./bare-sql";
import type { StatementCounts } from "./statement-count";
import type { Rate, Shape } from "./throughput";
import { CONCURRENCY, DELIVERIES, P99_TARGET_MS, type WebhookEngineResult } from "./webhook-burst";

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

const ms = (value: number) => value.toFixed(0).padStart(6);

/** The webhook bursts: latency per burst, the mix against the baselines, and the after-burst checks. */
export function printWebhookReport(machine: string, results: WebhookEngineResult[]): void {
  const lines: string[] = [`\nMachine: ${machine}`];
  for (const r of results) lines.push(`${r.engine}: ${r.version}, app LOG_LEVEL=${r.logLevel}`);
  lines.push(
    "",
    `webhook bursts against npm start (production build): ${DELIVERIES} requests at concurrency ${CONCURRENCY}, ms`,
    `${pad("engine", 9)}${pad("burst", 46)}   p50    p95    p99    max   req/s  app cores  app cpu ms/req  bench cpu ms/req  statuses`,
  );
  for (const r of results)
    for (const b of r.bursts)
      lines.push(
        `${pad(r.engine, 9)}${pad(b.label, 46)}${ms(b.p50)} ${ms(b.p95)} ${ms(b.p99)} ${ms(b.max)}` +
          `${num(b.perSecond, 8)}${b.appCores.toFixed(2).padStart(11)}` +
          `${(b.appCpuMs / b.count).toFixed(2).padStart(16)}${b.benchCpuMsPerRequest.toFixed(2).padStart(18)}  ` +
          Object.entries(b.statuses)
            .map(([status, count]) => `${status}×${count}`)
            .join(" "),
      );
  lines.push("");
  for (const r of results) {
    const c = r.checks;
    const [healthz, bare, mixed] = r.bursts;
    const all200 = r.bursts.every((b) => (b.statuses[200] ?? 0) === b.count);
    lines.push(
      `${r.engine}: ${c.billingSent} billing deliveries, rows ${JSON.stringify(c.rows)}, missing ${c.missing}, ` +
        `unprocessed ${c.unprocessed}; top-up grants ${c.topUpGrants}/${c.topUpExpected}, granted twice ` +
        `${c.duplicateGrants}; shops on Starter ${c.starterShops}/${c.shops}; Admin API requests ${c.graphqlRequests} ` +
        `(${(c.graphqlRequests / c.billingSent).toFixed(2)} per billing delivery)`,
    );
    if (healthz && bare && mixed)
      lines.push(
        `${r.engine}: mix p99 ${mixed.p99.toFixed(0)} ms = ${(mixed.p99 / healthz.p99).toFixed(1)}× /healthz, ` +
          `${(mixed.p99 / bare.p99).toFixed(1)}× signed no-read-back; all 200 ${verdict(all200)}; ` +
          `p99 < ${P99_TARGET_MS} ms ${verdict(mixed.p99 < P99_TARGET_MS)}; processed once, nothing granted ` +
          `twice ${verdict(c.missing === 0 && c.unprocessed === 0 && c.duplicateGrants === 0 && c.topUpGrants === c.topUpExpected && c.starterShops === c.shops)}`,
      );
  }
  console.log(lines.join("\n"));
}
