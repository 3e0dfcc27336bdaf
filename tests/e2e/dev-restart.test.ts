// Restarting `npm run dev` on the same prisma/dev.db keeps the emulator's world beside it
// (dev.emulator.json): a charge made before the restart is still Shopify's afterwards, and the access
// token the app holds still opens the Admin API; a state file it cannot read resets both. Also: Ctrl-C
// exits 0, and the dev log shows no tokens.
// No browser: the app is driven as App Bridge would (session token in Authorization).

import Database from "better-sqlite3";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STATE_FILE_VERSION } from "../../tools/shopify-emulator/persist";
import { BROWSER } from "../app-harness";
import { startDevServer, type DevServer } from "./dev-server";

const SHOP = "dev-store.myshopify.com";
let dev: DevServer | undefined;
let firstRun: DevServer | undefined;
afterAll(async () => {
  await dev?.stop();
});

async function sessionToken(server: DevServer): Promise<string> {
  const response = await fetch(`${server.emulatorUrl}/_emulator/shops/${SHOP}/session-token`, {
    method: "POST",
  });
  return ((await response.json()) as { token: string }).token;
}

async function appFetch(server: DevServer, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await sessionToken(server)}`);
  headers.set("User-Agent", BROWSER);
  return fetch(`${server.appUrl}${path}`, { ...init, headers, redirect: "manual" });
}

// The offline access token the app stored for the dev store.
function appAccessToken(server: DevServer): string {
  const db = new Database(join(server.dir, "dev.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT accessToken FROM Session WHERE shop = ? AND isOnline = 0").get(SHOP) as
      { accessToken: string } | undefined;
    if (!row) throw new Error("The app has no offline session for the dev store");
    return row.accessToken;
  } finally {
    db.close();
  }
}

async function adminApi(server: DevServer, token: string, query: string): Promise<Response> {
  return fetch(`${server.emulatorUrl}/admin/api/2025-10/graphql.json`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Access-Token": token,
      "X-Shopify-Emulator-Shop": SHOP,
    },
    body: JSON.stringify({ query }),
  });
}

interface EmulatorShop {
  charges: { id: number; status: string; name: string }[];
}

async function emulatorShop(server: DevServer): Promise<EmulatorShop> {
  return (await (await fetch(`${server.emulatorUrl}/_emulator/shops/${SHOP}`)).json()) as EmulatorShop;
}

describe("npm run dev restarted on the same database", () => {
  let chargeId: number;
  let token: string;

  it("first run: the app subscribes the dev store to Starter and the store owner approves", async () => {
    dev = await startDevServer();
    const response = await appFetch(dev, "/app/billing.data?index", {
      method: "POST",
      body: new URLSearchParams({ intent: "subscribe", plan: "starter" }),
      headers: { Origin: dev.appUrl },
    });
    expect(response.status).toBe(401);
    const confirm = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url") ?? "";
    chargeId = Number(/\/charges\/subscription\/(\d+)\/confirm$/.exec(confirm)?.[1]);
    expect(chargeId).toBeGreaterThan(0);
    const approved = await fetch(`${dev.emulatorUrl}/_emulator/charges/${chargeId}/approve`, {
      method: "POST",
    });
    expect(approved.status).toBe(200);
    token = appAccessToken(dev);
    expect((await adminApi(dev, token, "{ shop { name } }")).status).toBe(200);
  }, 120_000);

  it("keeps tokens out of the dev log: a URL with id_token, hmac and session is printed redacted", async () => {
    const jwt = await sessionToken(dev!);
    const secrets = {
      id_token: jwt,
      hmac: "0123456789abcdef",
      session: "s3cr3t-session",
      code: "c0de-value",
    };
    const response = await fetch(`${dev!.appUrl}/no-such-page?shop=${SHOP}&${new URLSearchParams(secrets)}`, {
      headers: { "User-Agent": BROWSER },
    });
    expect(response.status).toBe(404);
    // React Router warns "No routes matched location" with the whole URL.
    await expect.poll(() => dev!.output(), { timeout: 10_000 }).toContain("/no-such-page?shop=");
    const output = dev!.output();
    expect(output).toContain("id_token=[redacted]");
    for (const secret of [...Object.values(secrets), token]) expect(output).not.toContain(secret);
  });

  it("Ctrl-C stops both servers and exits 0, leaving the emulator's state beside the database", async () => {
    firstRun = dev!;
    expect(await firstRun.stop({ keep: true })).toBe(0);
    dev = undefined;
    for (const url of [firstRun.appUrl, firstRun.emulatorUrl]) await expect(fetch(url)).rejects.toThrow();
    const saved = JSON.parse(readFileSync(join(firstRun.dir, "dev.emulator.json"), "utf8")) as {
      version: number;
    };
    expect(saved.version).toBe(STATE_FILE_VERSION);
    expect(existsSync(join(firstRun.dir, "dev.db"))).toBe(true);
  });

  it("second run: the emulator still knows the approved charge and the app's token", async () => {
    const { dir, port, emulatorPort } = firstRun!;
    dev = await startDevServer({ dir, port, emulatorPort });
    expect(dev.output()).toMatch(
      /Emulator state restored from \S+dev\.emulator\.json \(1 charge\(s\), \d+ token/,
    );
    const charge = (await emulatorShop(dev)).charges.find((c) => c.id === chargeId);
    expect(charge?.status).toBe("ACTIVE");
    expect(appAccessToken(dev)).toBe(token);
    const shop = await adminApi(dev, token, "{ currentAppInstallation { activeSubscriptions { id name } } }");
    expect(shop.status).toBe(200);
    expect(JSON.stringify(await shop.json())).toContain(`gid://shopify/AppSubscription/${chargeId}`);
    // The app's own Billing loader, on the stored session: Starter, no re-authentication.
    const billing = await appFetch(dev, "/app/billing.data");
    expect(billing.status).toBe(200);
    expect(await billing.text()).toContain("Starter");
  }, 120_000);

  it("a state file it cannot read resets the database with it, saying so in one line", async () => {
    const { dir, port, emulatorPort } = dev!;
    expect(await dev!.stop({ keep: true })).toBe(0);
    dev = undefined;
    writeFileSync(join(dir, "dev.emulator.json"), JSON.stringify({ version: 0 }));
    dev = await startDevServer({ dir, port, emulatorPort });
    expect(dev.output()).toMatch(
      new RegExp(
        `^\\S+dev\\.emulator\\.json cannot be read \\(version 0, this emulator reads version ${STATE_FILE_VERSION}\\): resetting \\S+dev\\.db with it \\(the emulator starts fresh\\)$`,
        "m",
      ),
    );
    expect((await emulatorShop(dev)).charges).toEqual([]);
    expect(() => appAccessToken(dev!)).toThrow(/no offline session/);
  }, 120_000);
});
