// The emulator's state file: what a restart of `npm run dev` carries over (persist.ts).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  STATE_FILE_VERSION,
  parseStateFile,
  persistEmulatorState,
  readStateFile,
  restoreState,
  serializeState,
} from "./persist";
import { CREATE_SUBSCRIPTION, DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulatorWithAWorld() {
  const setup = await setUpEmulator();
  cleanups.push(setup.close);
  const token = setup.emulator.grantOfflineToken(DEV_STORE);
  const created = await setup.gql(DEV_STORE, token, CREATE_SUBSCRIPTION, {
    name: "Starter",
    returnUrl: "https://example.com/return",
    test: true,
    amount: "9.99",
  });
  const id = created.body.data.appSubscriptionCreate.appSubscription.id as string;
  setup.emulator.approveCharge(id);
  setup.emulator.advanceTime(3 * 24 * 3600e3);
  return { ...setup, token, chargeId: id };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "emulator-state-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("emulator state file", () => {
  it("round-trips shops, charges with their dates, tokens, the id counter and the billing clock", async () => {
    const first = await emulatorWithAWorld();
    const text = serializeState(first.emulator.state);
    const second = await setUpEmulator();
    cleanups.push(second.close);
    const parsed = parseStateFile(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    restoreState(second.emulator.state, parsed.file);

    const charge = second.emulator.charge(first.chargeId);
    expect(charge).toEqual(first.emulator.charge(first.chargeId));
    expect(charge.createdAt).toBeInstanceOf(Date);
    expect(second.emulator.shop(DEV_STORE).activeSubscription()?.id).toBe(charge.id);
    expect(Math.abs(second.emulator.now().getTime() - first.emulator.now().getTime())).toBeLessThan(5_000);
    // The app's token still opens the Admin API, and new ids do not collide with restored ones.
    const shop = await second.gql(DEV_STORE, first.token, "{ shop { myshopifyDomain } }");
    expect(shop.body.data.shop.myshopifyDomain).toBe(DEV_STORE);
    expect(second.emulator.state.nextId()).toBe(first.emulator.state.nextId());
  });

  it("adds back a shop the emulator was started with that the file does not have", async () => {
    const first = await emulatorWithAWorld();
    const text = serializeState(first.emulator.state);
    const second = await setUpEmulator({
      shops: [
        { domain: DEV_STORE, partnerDevelopment: true },
        { domain: "new-store.myshopify.com", partnerDevelopment: false },
      ],
    });
    cleanups.push(second.close);
    restoreState(second.emulator.state, (parseStateFile(text) as { ok: true; file: never }).file);
    expect([...second.emulator.state.shops.keys()]).toEqual([
      DEV_STORE,
      NORMAL_STORE,
      "new-store.myshopify.com",
    ]);
  });

  it("refuses a file of another version, a file that is not JSON and a missing one, saying why", () => {
    const dir = tempDir();
    const file = join(dir, "state.json");
    expect(readStateFile(file)).toEqual({ ok: false, missing: true, reason: "missing" });
    writeFileSync(file, "{ not json");
    expect(readStateFile(file)).toMatchObject({
      ok: false,
      missing: false,
      reason: expect.stringMatching(/^not JSON/),
    });
    writeFileSync(file, JSON.stringify({ version: STATE_FILE_VERSION + 1, state: {} }));
    expect(readStateFile(file)).toMatchObject({
      ok: false,
      reason: `version ${STATE_FILE_VERSION + 1}, this emulator reads version ${STATE_FILE_VERSION}`,
    });
    writeFileSync(file, JSON.stringify({ version: STATE_FILE_VERSION, state: {} }));
    expect(readStateFile(file)).toMatchObject({ ok: false, reason: "no shops or charges in it" });
  });

  it("writes the file when the state changes and on stop, and loads it on the next start", async () => {
    const file = join(tempDir(), "dev.emulator.json");
    const first = await emulatorWithAWorld();
    const persistence = persistEmulatorState(first.emulator, file, { intervalMs: 20 });
    expect(persistence.loaded).toMatchObject({ status: "fresh" });
    const purchase = first.emulator.billing.createPurchase(DEV_STORE, {
      name: "100 credits",
      price: { amount: "14.99", currencyCode: "USD" },
      returnUrl: "https://example.com/return",
      test: true,
    });
    await expect
      .poll(() => readFileSync(file, "utf8"), { timeout: 2_000 })
      .toContain(`"id": ${purchase.charge!.id}`);
    first.emulator.grantOfflineToken(NORMAL_STORE);
    persistence.stop();

    const second = await setUpEmulator();
    cleanups.push(second.close);
    const restored = persistEmulatorState(second.emulator, file);
    cleanups.push(() => restored.stop());
    expect(restored.loaded).toEqual({ status: "restored", reason: undefined, charges: 2, tokens: 2 });
    expect(second.emulator.shop(NORMAL_STORE).accessTokens()).toEqual(
      first.emulator.shop(NORMAL_STORE).accessTokens(),
    );
  });

  it("starts fresh over an unreadable file and says why", async () => {
    const file = join(tempDir(), "dev.emulator.json");
    writeFileSync(file, JSON.stringify({ version: 0 }));
    const setup = await setUpEmulator();
    cleanups.push(setup.close);
    const persistence = persistEmulatorState(setup.emulator, file);
    cleanups.push(() => persistence.stop());
    expect(persistence.loaded).toMatchObject({
      status: "reset",
      reason: expect.stringMatching(/^version 0/),
    });
    expect(readStateFile(file).ok).toBe(true);
  });
});
