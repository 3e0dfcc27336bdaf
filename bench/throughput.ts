// The three concurrency shapes, each run for the service and the bare SQL in alternating rounds.
import { runFor, type Run } from "./measure";

export interface Shape {
  label: string;
  callers: number;
  shops: number;
}

export const SHAPES: Shape[] = [
  { label: "1 caller, 1 shop", callers: 1, shops: 1 },
  { label: "16 callers, 1 shop", callers: 16, shops: 1 },
  { label: "16 callers, 16 shops", callers: 16, shops: 16 },
];

/** Shops each side of the comparison needs: the widest shape's. */
export const SHOPS_NEEDED = Math.max(...SHAPES.map((shape) => shape.shops));

// Warm-up fills the pools, JIT and page cache. The 3 s measured per side come in alternating rounds, so
// load from elsewhere on this shared 2-core machine falls on both sides alike.
const WARMUP_MS = 500;
const ROUND_MS = 1000;
const ROUNDS = 3;

export type Op = (shopId: string) => Promise<void>;

export interface Rate {
  opsPerSecond: number;
  cpuMsPerOp: number;
}

function callersOf(op: Op, shopIds: string[], shape: Shape): (() => Promise<void>)[] {
  return Array.from({ length: shape.callers }, (_, i) => {
    const shopId = shopIds[i % shape.shops];
    if (shopId === undefined) throw new Error(`shape ${shape.label} needs ${shape.shops} shops`);
    return () => op(shopId);
  });
}

const rateOf = (runs: Run[]): Rate => {
  const ops = runs.reduce((sum, run) => sum + run.ops, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpuMs = runs.reduce((sum, run) => sum + run.cpuMs, 0);
  return { opsPerSecond: ops / seconds, cpuMsPerOp: cpuMs / ops };
};

/** Caller i works on shop i mod shape.shops, of its own side's shops. */
export async function compare(
  service: { op: Op; shopIds: string[] },
  bare: { op: Op; shopIds: string[] },
  shape: Shape,
): Promise<{ service: Rate; bare: Rate }> {
  const serviceCallers = callersOf(service.op, service.shopIds, shape);
  const bareCallers = callersOf(bare.op, bare.shopIds, shape);
  await runFor(serviceCallers, WARMUP_MS);
  await runFor(bareCallers, WARMUP_MS);
  const serviceRuns: Run[] = [];
  const bareRuns: Run[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    serviceRuns.push(await runFor(serviceCallers, ROUND_MS));
    bareRuns.push(await runFor(bareCallers, ROUND_MS));
  }
  return { service: rateOf(serviceRuns), bare: rateOf(bareRuns) };
}
