export const DEFAULT_CHROMIUM_PATH: string;
export type ChromiumPlan =
  | { action: "found"; path: string }
  | { action: "install"; path: string; sudo: boolean }
  | { action: "fail"; message: string };
export function chromiumPlan(facts?: {
  env?: Record<string, string | undefined>;
  isExecutable?: (path: string) => boolean;
  uid?: number;
  hasAptGet?: () => boolean;
  hasSudo?: () => boolean;
}): ChromiumPlan;
export function ensureChromium(
  plan?: ChromiumPlan,
  run?: (command: string, args: string[], options: object) => { status: number | null },
): number;
