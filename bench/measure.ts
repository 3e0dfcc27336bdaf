// Timing primitives: a fixed-duration throughput run and a median of single-call latencies.
import { performance } from "node:perf_hooks";

export interface Run {
  ops: number;
  seconds: number;
  /** CPU this process spent: the whole work for SQLite (in-process), the client side only for PostgreSQL. */
  cpuMs: number;
}

/**
 * Runs `callers` loops side by side, each calling its op until `ms` have passed. Elapsed time runs until the
 * last in-flight op ends, so no started op goes uncounted.
 */
export async function runFor(callers: (() => Promise<void>)[], ms: number): Promise<Run> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + ms;
  let ops = 0;
  await Promise.all(
    callers.map(async (op) => {
      while (performance.now() < deadline) {
        await op();
        ops += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  return { ops, seconds: (performance.now() - start) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Milliseconds of each of `count` calls made one after another. */
export async function latencies(op: () => Promise<unknown>, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    await op();
    times.push(performance.now() - start);
  }
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}
