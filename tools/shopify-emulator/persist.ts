// Keeps the emulator's world (shops, charges, access and refresh tokens, id counter, billing clock offset)
// in a JSON file across restarts, so an app database kept beside it (scripts/dev.mjs: prisma/dev.db and
// prisma/dev.emulator.json) never holds charges or tokens "Shopify" has forgotten. Webhook history and the
// held-webhook queue are not kept.
//
// The snapshot is generic over EmulatorState's own fields (Maps, Dates, plain values), so a field added to
// the state is carried without changing this file; STATE_FILE_VERSION changes when an old file could no
// longer be read back faithfully, and such a file is refused with its reason.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ShopifyEmulator } from "./emulator";
import type { EmulatorState, ShopRecord, ShopSeed } from "./state";

// 2: shops carry products and granted scopes; article images are kept.
export const STATE_FILE_VERSION = 2;

interface StateFile {
  version: number;
  savedAt: string;
  clockOffsetMs: number;
  state: Record<string, unknown>;
}

export type ReadResult = { ok: true; file: StateFile } | { ok: false; missing: boolean; reason: string };

// Fields of EmulatorState a snapshot leaves out: the clock is saved as its offset.
const SKIPPED = new Set(["clock"]);

// Dates and Maps survive JSON as tagged objects.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { $date: raw.toISOString() };
  if (raw instanceof Map) return { $map: [...raw.entries()] };
  if (raw instanceof Set) return { $set: [...raw.values()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const tagged = value as { $date?: string; $map?: [unknown, unknown][]; $set?: unknown[] };
    if (typeof tagged.$date === "string") return new Date(tagged.$date);
    if (Array.isArray(tagged.$map)) return new Map(tagged.$map);
    if (Array.isArray(tagged.$set)) return new Set(tagged.$set);
  }
  return value;
}

// The clock's offset (moved by advanceTime / POST /_emulator/clock/advance) is private to Clock.
function clockOffset(state: EmulatorState): number {
  return (state.clock as unknown as { offsetMs: number }).offsetMs;
}

export function serializeState(state: EmulatorState): string {
  const fields = Object.fromEntries(Object.entries(state).filter(([key]) => !SKIPPED.has(key)));
  const file: StateFile = {
    version: STATE_FILE_VERSION,
    savedAt: new Date().toISOString(),
    clockOffsetMs: clockOffset(state),
    state: fields,
  };
  return JSON.stringify(file, replacer, 2);
}

export function parseStateFile(text: string): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, reviver);
  } catch (error) {
    return { ok: false, missing: false, reason: `not JSON (${(error as Error).message})` };
  }
  const file = parsed as Partial<StateFile> | null;
  if (!file || typeof file !== "object" || typeof file.version !== "number")
    return { ok: false, missing: false, reason: "no version field" };
  if (file.version !== STATE_FILE_VERSION)
    return {
      ok: false,
      missing: false,
      reason: `version ${file.version}, this emulator reads version ${STATE_FILE_VERSION}`,
    };
  const state = file.state as Record<string, unknown> | undefined;
  if (!state || !(state.shops instanceof Map) || !(state.charges instanceof Map))
    return { ok: false, missing: false, reason: "no shops or charges in it" };
  return { ok: true, file: { ...file, clockOffsetMs: Number(file.clockOffsetMs) || 0 } as StateFile };
}

export function readStateFile(path: string): ReadResult {
  if (!existsSync(path)) return { ok: false, missing: true, reason: "missing" };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, missing: false, reason: `unreadable (${(error as Error).message})` };
  }
  return parseStateFile(text);
}

// A shop record carries its seed's fields under the same names (addShop ignores the rest).
function seedOf(shop: ShopRecord): ShopSeed {
  const products = shop.products.map((p) => ({
    ...p,
    imageUrl: p.featuredImage?.url,
    imageAlt: p.featuredImage?.altText ?? undefined,
  }));
  return { ...shop, products };
}

// Replaces the state's world with the file's. Shops the emulator was started with that the file does not
// have are added again (a shop added to the start options after the file was written).
export function restoreState(state: EmulatorState, file: StateFile): void {
  const seeds = [...state.shops.values()].map(seedOf);
  const target = state as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(file.state)) {
    if (SKIPPED.has(key) || !(key in target)) continue;
    const current = target[key];
    if (current instanceof Map && value instanceof Map) {
      current.clear();
      for (const [k, v] of value) current.set(k, v);
    } else if (current instanceof Set && value instanceof Set) {
      current.clear();
      for (const v of value) current.add(v);
    } else {
      target[key] = value;
    }
  }
  const offset = file.clockOffsetMs - clockOffset(state);
  if (offset) state.clock.advance(offset);
  for (const seed of seeds) if (!state.shops.has(seed.domain)) state.addShop(seed);
}

export interface Persistence {
  // What happened at start: "restored" (with counts), "fresh" (no file), or "reset" (with the reason).
  readonly loaded: {
    status: "restored" | "fresh" | "reset";
    reason?: string;
    charges: number;
    tokens: number;
  };
  // Writes the file now if the state changed since the last write (atomically: temp file, then rename).
  save(): void;
  // Saves one last time and stops watching.
  stop(): void;
}

// Loads `path` into the emulator (an unreadable file is reset: the emulator starts fresh and overwrites
// it), then writes the state back whenever it changes (checked every `intervalMs`) and on stop().
export function persistEmulatorState(
  emulator: ShopifyEmulator,
  path: string,
  { intervalMs = 250 }: { intervalMs?: number } = {},
): Persistence {
  const read = readStateFile(path);
  if (read.ok) restoreState(emulator.state, read.file);
  const loaded = {
    status: read.ok ? ("restored" as const) : read.missing ? ("fresh" as const) : ("reset" as const),
    reason: read.ok ? undefined : read.reason,
    charges: emulator.state.charges.size,
    tokens: emulator.state.accessTokens.size,
  };
  let written: string | undefined;
  const body = (text: string) => text.replace(/"savedAt": "[^"]*",/, "");
  const save = () => {
    const text = serializeState(emulator.state);
    if (written !== undefined && body(text) === body(written)) return;
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, path);
    written = text;
  };
  save();
  const timer = setInterval(save, intervalMs);
  timer.unref();
  return {
    loaded,
    save,
    stop() {
      clearInterval(timer);
      save();
    },
  };
}
